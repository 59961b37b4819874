"""One exception root. Every error names the problem and the fix in one line."""


class LuxpassError(Exception):
    """An operation failed: exit code 1."""

    exit_code = 1

    def __init__(self, problem: str, fix: str | None = None):
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem}; {fix}" if fix else problem)


class InputError(LuxpassError):
    """Bad input from the user (a malformed value, file or address): exit code 2."""

    exit_code = 2


class NotAuthentic(LuxpassError):
    """Checked, and it is not authentic: exit code 3."""

    exit_code = 3


class Interrupted(LuxpassError):
    """Stopped by the user (Ctrl-C) with what was done written down: exit code 130, as a shell's."""

    exit_code = 130


class Unfunded(LuxpassError):
    """The sending account has too little ether for the gas: nothing was sent."""


class ContractRevert(LuxpassError):
    """The contract refused the call; `name` and `args` are its decoded custom error."""

    def __init__(self, name: str, args: tuple, fix: str | None = None):
        self.name = name
        self.args_decoded = args
        shown = ", ".join(_show(a) for a in args)
        super().__init__(f"the contract refused: {name}({shown})", fix)


def _show(value) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return str(value)
