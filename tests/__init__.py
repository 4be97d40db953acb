"""kg's tests: unit/ mirrors the code's packages, system/ drives whole processes, support/ holds shared helpers."""
