"""Exceptions that map to the CLI's exit statuses (docs/commands.md), shared by every layer.

``BadInput`` and ``ConfigError`` -> exit 2 (bad file, value, setting or usage;
nothing was changed). ``RunFailed`` -> exit 1 (the run started but did not
complete). Messages are one line and never contain a token.
"""


class BadInput(ValueError):
    """Input the user can fix: a bad list, argument or file. Exit status 2."""


class ConfigError(ValueError):
    """A bad configuration file or value; the message is one line naming the key. Exit status 2."""


class RunFailed(RuntimeError):
    """A run that could not complete (source down, rate-limited...). Exit status 1."""
