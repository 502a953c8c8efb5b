"""Your own job: a function of the item number, run by every model (`concbench run --job MODULE:FUNCTION`)."""
