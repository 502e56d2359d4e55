"""sop_core: the computations of the S&OP dashboard, free of any user interface."""
