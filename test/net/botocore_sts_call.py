"""One botocore GetCallerIdentity with the environment it is given (proxy variables, AWS_CA_BUNDLE,
keys): argv[1] is the STS endpoint URL. Prints the Arn, or the error's class name."""
import sys

import botocore.session

session = botocore.session.get_session()
client = session.create_client("sts", region_name="eu-west-1", endpoint_url=sys.argv[1])
try:
    print(client.get_caller_identity()["Arn"])
except Exception as error:  # the class is the answer
    print(type(error).__name__)
