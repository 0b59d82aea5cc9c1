"""Regenerates ocsf-1.5.0-detection_finding.json (see README.md in this directory).

    pip download ocsf-json-schema==1.2.0 --no-deps -d /tmp/ocsf
    (cd /tmp/ocsf && python -m zipfile -e ocsf_json_schema-1.2.0-py3-none-any.whl pkg)
    PYTHONPATH=/tmp/ocsf/pkg python tests/schemas/generate_ocsf_schema.py > tests/schemas/ocsf-1.5.0-detection_finding.json

The package compiles the OCSF export it bundles for 1.5.0 into one draft 2020-12 JSON Schema
of the Detection Finding class with the profiles the OCSF report declares (cloud, datetime),
every object it refers to embedded under `$defs`.
"""

import json
import sys

from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema

schema = OcsfJsonSchemaEmbedded(get_ocsf_schema(version="1.5.0"))
document = schema.get_class_schema("detection_finding", profiles=["cloud", "datetime"])
sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
