#!/usr/bin/env python3
"""botocore_resolve.py with the AWS CLI's SSO role cache, for test/chain/sso-differential.test.ts.

    python3 botocore_sso.py --profile NAME

Same input and output as botocore_resolve.py (it runs that script's main). Like the AWS CLI
(awscli/customizations/sso), the sso provider caches role credentials in a JSONFileCache in
~/.aws/cli/cache, so awsrole and botocore each read the files the other wrote; plain botocore
would keep them in memory.
"""

import os
import sys

sys.dont_write_bytecode = True  # importing the sibling script must leave no __pycache__ in the repo
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore_resolve  # noqa: E402  (patches getpass before botocore loads)
from botocore.credentials import SSOProvider  # noqa: E402
from botocore.utils import JSONFileCache  # noqa: E402

_plain_init = SSOProvider.__init__


def _init_with_cli_cache(self, *args, **kwargs):
    _plain_init(self, *args, **kwargs)
    self.cache = JSONFileCache(os.path.expanduser(os.path.join('~', '.aws', 'cli', 'cache')))


SSOProvider.__init__ = _init_with_cli_cache

if __name__ == '__main__':
    sys.exit(botocore_resolve.main())
