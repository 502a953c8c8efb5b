"""Mixed: a pipeline per item: fetch a JSON document, transform it in pure Python, write a file."""
