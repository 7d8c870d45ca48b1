"""``gpnopt schema``: the JSON Schema of an instance file, and the field reference.

Registered by :mod:`gpnopt.cli`. Only the schema layer is loaded (no Pyomo).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gpnopt.cli.common import (
    ForceOpt,
    LogFileOpt,
    QuietOpt,
    VerboseOpt,
    check_out_dir,
    out,
    write_or_exit,
)
from gpnopt.cli.logs import setup_logging

SCHEMA_NAME = "gpnopt-instance.schema.json"
"""File name of the JSON Schema in ``--out``."""
REFERENCE_NAME = "reference.md"
"""File name of the field reference in ``--out``."""


def schema(
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help=f"Output folder: write {SCHEMA_NAME} and {REFERENCE_NAME} (the field "
            "reference) there, with the folder's manifest; files gpnopt did not write are "
            "refused (see --force). Default: print the schema.",
        ),
    ] = None,
    force: ForceOpt = False,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
    log_file: LogFileOpt = None,
) -> None:
    """Print the JSON Schema of an instance file (for editors and other tools).

    Put '# yaml-language-server: $schema=PATH/gpnopt-instance.schema.json' as the first line of an instance so that editors with the YAML language server complete and check its keys. docs/reference.md is the same contract as a readable field reference."""
    from gpnopt.atomic import OutputFolder
    from gpnopt.reference import reference_markdown, schema_text

    setup_logging(verbose=verbose, quiet=quiet, log_file=log_file)
    if out_dir is None:
        sys.stdout.write(schema_text())
        return

    check_out_dir(out_dir, force)

    def write() -> None:
        with OutputFolder(out_dir, files=[SCHEMA_NAME, REFERENCE_NAME]) as folder:
            folder.write(SCHEMA_NAME, schema_text())
            folder.write(REFERENCE_NAME, reference_markdown())

    write_or_exit(out_dir, write)
    out.print(f"wrote {out_dir / SCHEMA_NAME} and {out_dir / REFERENCE_NAME}")
