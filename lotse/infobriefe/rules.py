from . import permissions  # noqa: F401
