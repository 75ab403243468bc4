"""A botocore client that reads its credentials from the container endpoint only (issue 12).

Each round forces botocore to refresh (the served credentials have at most 15 minutes left, within
botocore's advisory window), then calls GetCallerIdentity with them against the STS rig.
Prints one JSON line per round: the key id, the expiry and the caller's ARN.
"""
import json
import sys

import botocore.session

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
session = botocore.session.get_session()
credentials = session.get_credentials()
if credentials is None:
    sys.exit("no credentials")
method = credentials.method
sts = session.create_client("sts", region_name="us-east-1")
for _ in range(rounds):
    frozen = credentials.get_frozen_credentials()
    arn = sts.get_caller_identity()["Arn"]
    print(json.dumps({"method": method, "key": frozen.access_key, "arn": arn}))
