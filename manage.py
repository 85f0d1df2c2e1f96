#!/usr/bin/env python
from __future__ import annotations

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["generate_keys"]:
        # Before the settings: they refuse to load without the keys this prints.
        from config.keys import main as generate_keys

        generate_keys()
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
