"""botocore's `verify` for a client of the selected profile, for each case on stdin:
[{"env": {...}, "config": "ini text"}] -> [path or true]. Session.create_client takes
get_config_variable('ca_bundle') (AWS_CA_BUNDLE, then the profile's ca_bundle), and
EndpointCreator._get_verify_value falls back to REQUESTS_CA_BUNDLE."""
import json
import os
import sys
import tempfile

import botocore.session
from botocore.endpoint import EndpointCreator

out = []
for case in json.load(sys.stdin):
    with tempfile.TemporaryDirectory() as folder:
        config = os.path.join(folder, "config")
        with open(config, "w") as file:
            file.write(case["config"])
        os.environ.clear()
        os.environ.update({"AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": os.path.join(folder, "none"), **case["env"]})
        session = botocore.session.Session()
        out.append(EndpointCreator(None)._get_verify_value(session.get_config_variable("ca_bundle")))
print(json.dumps(out))
