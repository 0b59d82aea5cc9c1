"""Validates report files against a vendored JSON Schema (used by tests/report_schemas.rs).

    python validate.py SCHEMA INSTANCE [--each | --lines]

INSTANCE is one JSON document; with --each it is a JSON array whose every element is
validated, with --lines one JSON document per line (NDJSON). The draft comes from the
schema's `$schema` (SARIF 2.1.0 is draft-04, the OCSF class schema draft 2020-12), and
every format the installed `jsonschema` can check is checked.

Exit status: 0 every instance is valid; 1 an instance is not (each error on stdout);
3 the validator cannot run (no `jsonschema`, a broken schema, unreadable input), so that
a caller never mistakes a missing tool for a verdict.
"""

import json
import sys


def main(argv):
    if len(argv) not in (3, 4) or (len(argv) == 4 and argv[3] not in ("--each", "--lines")):
        print(__doc__, file=sys.stderr)
        return 3
    try:
        import jsonschema
        from jsonschema.validators import validator_for
    except ImportError as e:
        print(f"cannot validate: {e} (jsonschema is not installed for {sys.executable})", file=sys.stderr)
        return 3
    if not hasattr(jsonschema, "Draft202012Validator"):
        print("cannot validate: jsonschema is older than 4.0 (no draft 2020-12)", file=sys.stderr)
        return 3

    schema_path, instance_path = argv[1], argv[2]
    mode = argv[3] if len(argv) == 4 else None
    try:
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        cls = validator_for(schema)
        cls.check_schema(schema)
        validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
        with open(instance_path, encoding="utf-8") as f:
            if mode == "--lines":
                instances = [json.loads(line) for line in f.read().split("\n") if line]
            else:
                document = json.load(f)
                if mode == "--each":
                    if not isinstance(document, list):
                        print("cannot validate: --each wants a JSON array", file=sys.stderr)
                        return 3
                    instances = document
                else:
                    instances = [document]
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print(f"cannot validate: {e}", file=sys.stderr)
        return 3

    invalid = 0
    for n, instance in enumerate(instances):
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        for error in errors:
            path = "/".join(str(p) for p in error.absolute_path)
            print(f"instance {n}: /{path}: {error.message}")
        invalid += bool(errors)
    if invalid:
        print(f"INVALID: {invalid} of {len(instances)} instances")
        return 1
    print(f"valid: {len(instances)} instances against {cls.__name__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
