"""The run: the loop over rounds (loop), one worker per cell-round (launch), the run's state on disk
(state), what cells use besides their worker (services), the order and budget (rounds), evidence to
rows (judge, matrix), and the user's --job (job). It starts workers as subprocesses, never imports them."""
