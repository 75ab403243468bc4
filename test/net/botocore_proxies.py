"""botocore's proxy choice for each case on stdin: [{"env": {...}, "url": "..."}] -> [{"proxy": "host:port" | null, "auth": "Basic ..." | null}].

The same calls botocore makes for a client's endpoint (EndpointCreator._get_proxies ->
utils.get_environ_proxies) and per request (httpsession.ProxyConfiguration.proxy_url_for and
proxy_headers_for). The environment is replaced for each case, keys in the given order.
"""
import json
import os
import sys
from urllib.parse import urlparse

from botocore.httpsession import ProxyConfiguration
from botocore.utils import get_environ_proxies


def choice(case):
    os.environ.clear()
    for name, value in case["env"].items():
        os.environ[name] = value
    proxies = get_environ_proxies(case["url"])
    config = ProxyConfiguration(proxies=proxies)
    proxy_url = config.proxy_url_for(case["url"])
    if not proxy_url:
        return {"proxy": None, "auth": None}
    parsed = urlparse(proxy_url)
    auth = config.proxy_headers_for(proxy_url).get("Proxy-Authorization")
    return {"proxy": f"{parsed.scheme}://{parsed.hostname}:{parsed.port}", "auth": auth}


print(json.dumps([choice(case) for case in json.load(sys.stdin)]))
