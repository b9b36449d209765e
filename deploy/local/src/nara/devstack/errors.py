class StackError(RuntimeError):
    """Something the person running the stack must fix; the message says what."""
