"""The ``commons`` console command.

``commons demo``, ``commons serve``, ``commons worker``, ``commons organisations add``
and every Django management command (``commons migrate``, ``commons createsuperuser`` …).
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["--version"], ["-V"], ["version"]):
        from commons import __version__

        print(f"commons {__version__}")
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commons.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["commons", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
