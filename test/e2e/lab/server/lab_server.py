"""The server the browser tests load JupyterLab from.

Debian packages JupyterLab's server side (jupyter_server 1.23, jupyterlab_server
2.16) but not the `jupyterlab` Python package, so this script is that
package's small part we need: it serves our own build of the JupyterLab 4 front
end (../build, made by `npm run build` in this folder) and fills the gaps
between a JupyterLab 4 front end and these older servers. Each gap is marked
FIX below.

Run with /usr/bin/python3; any jupyter_server option may follow, for example
  lab_server.py --ServerApp.root_dir=/tmp/x --ServerApp.token=secret
  --LoomLab.user_settings_dir=/tmp/x-settings --LoomLab.workspaces_dir=/tmp/x-ws
"""

import os
import re
import sys

import jsonschema
import jupyterlab_server.settings_utils
import nbconvert.exporters.templateexporter
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.base.zmqhandlers import WebSocketMixin
from jupyterlab_server import LabServerApp
from lxml.html.clean import Cleaner
from tornado import web
from tornado.websocket import WebSocketHandler

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(os.path.dirname(HERE), "build")

# Configuration files in the user's home must not change what the tests see.
os.environ["JUPYTER_NO_CONFIG"] = "1"

# FIX: jupyterlab_server 2.16 checks settings with JSON schema draft 4, which
# ignores `const`; JupyterLab 4's schemas rely on it, and saving some settings
# would answer 400. The module looks the name up at each call.
jupyterlab_server.settings_utils.Validator = jsonschema.Draft7Validator

# FIX: nbconvert 6.5 passes image/svg+xml outputs through lxml's HTML cleaner,
# which drops every SVG element it does not know as HTML (nbconvert issue
# 1849, fixed in 7.2.2): File > Export as HTML showed empty charts. This
# cleaner keeps unknown (SVG) elements and still removes scripts, event
# handlers and javascript: links.
_svg_keeping_cleaner = Cleaner(remove_unknown_tags=False, safe_attrs_only=False)


def clean_html_keeping_svg(markup):
    # lxml refuses a str that declares its encoding, as SVG files often do.
    return _svg_keeping_cleaner.clean_html(re.sub(r"<\?xml[^>]*\?>", "", str(markup)))


nbconvert.exporters.templateexporter.default_filters["clean_html"] = clean_html_keeping_svg


class IdentityHandler(APIHandler):
    """FIX: GET /api/me (jupyter_server 2); JupyterLab's user manager waits for it."""

    @web.authenticated
    def get(self):
        name = "Loom tests"
        self.finish(
            {
                "identity": {
                    "username": "loom",
                    "name": name,
                    "display_name": name,
                    "initials": "LT",
                    "avatar_url": None,
                    "color": None,
                },
                "permissions": {},
            }
        )


class SilentEventsSocket(WebSocketMixin, WebSocketHandler, JupyterHandler):
    """FIX: /api/events/subscribe (jupyter_server 2). Without a socket to open,
    JupyterLab's event manager reconnects forever; this one accepts and never
    speaks, as a server with no events to tell would."""

    async def get(self, *args, **kwargs):
        if self.current_user is None:
            raise web.HTTPError(403)
        return await super().get(*args, **kwargs)

    def on_message(self, message):
        pass


class FixedJSONHandler(APIHandler):
    """Answers one fixed JSON document."""

    def initialize(self, body):
        self.body = body

    @web.authenticated
    def get(self):
        self.finish(self.body)


class LoomLab(LabServerApp):
    name = "loom_lab"
    app_name = "JupyterLab (Loom tests)"
    extension_url = "/lab"
    default_url = "/lab"
    app_url = "/lab"
    load_other_extensions = False
    static_dir = BUILD
    schemas_dir = os.path.join(BUILD, "schemas")
    themes_dir = os.path.join(BUILD, "themes")
    templates_dir = os.path.join(HERE, "templates")
    app_settings_dir = os.path.join(HERE, "settings")

    def initialize_handlers(self):
        self.handlers.extend(
            [
                ("/api/me", IdentityHandler),
                ("/api/events/subscribe", SilentEventsSocket),
                # FIX: these belong to the `jupyterlab` package; unserved, the
                # /lab catch-all answers them with a page, and the front end
                # throws parsing it as JSON. Listed before the catch-all.
                ("/lab/api/update", FixedJSONHandler, {"body": {"notification": None}}),
                ("/lab/api/news", FixedJSONHandler, {"body": {"news": []}}),
            ]
        )
        super().initialize_handlers()


def _jupyter_server_extension_points():
    # jupyter_server loads the app it launches as an extension of this module.
    return [{"module": __name__, "app": LoomLab}]


if __name__ == "__main__":
    if not os.path.isfile(os.path.join(BUILD, "bundle.js")):
        sys.exit(f"lab_server.py: no front end in {BUILD}; run `npm run build` in {os.path.dirname(HERE)}")
    LoomLab.launch_instance()
