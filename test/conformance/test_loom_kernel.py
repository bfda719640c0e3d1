"""Loom judged by Jupyter's own kernel test suite (jupyter_kernel_test).

Run by test/conformance/run.mjs, which installs the 'loom' kernelspec into a
temporary prefix and points JUPYTER_PATH at it. Every sample attribute that
jupyter_kernel_test 0.4.5 reads is set; code_page_something uses Loom's
IPython-style help query (`Math.max?`), answered in the pager.
"""

import jupyter_kernel_test
from jupyter_kernel_test.msgspec_v5 import validate_message

TIMEOUT = jupyter_kernel_test.TIMEOUT

# A 1x1 transparent PNG, for display.png.
PNG_1X1 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


class LoomKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "loom"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = "console.log('hello, world')"
    code_stderr = "console.error('something went wrong')"
    code_page_something = "Math.max?"

    # The suite compares the *set* of matches with these, so each prefix must
    # have exactly these continuations (Math.fl: floor but not fround).
    completion_samples = [
        {"text": "Math.fl", "matches": {"floor"}},
        {"text": "JSON.str", "matches": {"stringify"}},
        {"text": "[1, 2].inclu", "matches": {"includes"}},
        {"text": "Object.fromEn", "matches": {"fromEntries"}},
    ]

    complete_code_samples = [
        "1 + 1",
        "const x = 1",
        "function f() {\n  return 1\n}",
        "for (let i = 0; i < 3; i++) {}",
        "await Promise.resolve(1)",
    ]
    incomplete_code_samples = [
        "function f() {",
        "const a = [1,",
        "if (true) {\n  console.log(1)",
        "const s = `abc",
    ]
    invalid_code_samples = [
        ")",
        "let = = 1",
        "}}",
        "const s = 'abc",
    ]

    code_generate_error = "throw new Error('boom')"

    # test_history also runs these, and its search subtests need
    # code_history_pattern to match exactly one distinct cell of the session.
    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": "[1, 2, 3].map((n) => n * 2)", "result": "[ 2, 4, 6 ]"},
    ]
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")

    code_display_data = [
        {"code": "display.html('<b>hi</b>')", "mime": "text/html"},
        {"code": "display.markdown('# hi')", "mime": "text/markdown"},
        {"code": "display.svg('<svg xmlns=\"http://www.w3.org/2000/svg\"/>')", "mime": "image/svg+xml"},
        {"code": f"display.png('{PNG_1X1}')", "mime": "image/png"},
        {"code": "display.json({ a: 1 })", "mime": "application/json"},
    ]

    code_inspect_sample = "Math.max"
    code_clear_output = "clearOutput()"

    # ------------------------------------------------------------ Loom's own checks

    def run_cell(self, code, **kwargs):
        """execute_helper for cells whose output we look at more closely."""
        self.flush_channels()
        return self.execute_helper(code=code, **kwargs)

    def stdout_of(self, output_msgs):
        return "".join(
            m["content"]["text"]
            for m in output_msgs
            if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"
        )

    def wait_for_idle(self, msg_id):
        """Reads iopub until this request's idle status; returns its other messages but status."""
        seen = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            validate_message(msg)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] != "status":
                seen.append(msg)
            elif msg["content"]["execution_state"] == "idle":
                return seen

    def test_loom_kernel_info(self):
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        validate_message(reply, "kernel_info_reply", msg_id)
        content = reply["content"]
        self.assertEqual(content["implementation"], "loom")
        self.assertEqual(content["language_info"]["mimetype"], "text/typescript")
        self.assertGreaterEqual(tuple(int(p) for p in content["protocol_version"].split(".")[:2]), (5, 3))

    def test_loom_error_names_the_exception(self):
        reply, output_msgs = self.run_cell(self.code_generate_error)
        self.assertEqual(reply["content"]["ename"], "Error")
        self.assertEqual(reply["content"]["evalue"], "boom")
        self.assertEqual(output_msgs[0]["content"]["evalue"], "boom")

    def test_loom_declarations_persist_between_cells(self):
        reply, _ = self.run_cell("const loomAnswer: number = 41")
        self.assertEqual(reply["content"]["status"], "ok")
        reply, output_msgs = self.run_cell("loomAnswer + 1")
        self.assertEqual(reply["content"]["status"], "ok")
        results = [m for m in output_msgs if m["msg_type"] == "execute_result"]
        self.assertEqual([m["content"]["data"]["text/plain"] for m in results], ["42"])

    def test_loom_typescript_syntax_runs(self):
        reply, output_msgs = self.run_cell("interface LoomPoint { x: number }\nconst loomPoint: LoomPoint = { x: 1 }\nloomPoint.x as number")
        self.assertEqual(reply["content"]["status"], "ok")
        results = [m["content"]["data"]["text/plain"] for m in output_msgs if m["msg_type"] == "execute_result"]
        self.assertEqual(results, ["1"])

    def test_loom_type_error_stops_the_cell(self):
        reply, output_msgs = self.run_cell("const loomTyped: number = 'not a number'\nconsole.log('ran')")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "TSError")
        self.assertEqual([m["msg_type"] for m in output_msgs], ["error"])  # and no 'ran'
        reply, _ = self.run_cell("// @ts-nocheck\nconst loomLoose: number = 'not a number'")
        self.assertEqual(reply["content"]["status"], "ok")

    def test_loom_user_expressions(self):
        self.flush_channels()
        msg_id = self.kc.execute("const loomSix = 6", user_expressions={"x": "loomSix * 7", "bad": "loomNope"})
        reply = self.get_non_kernel_info_reply(timeout=TIMEOUT)
        validate_message(reply, "execute_reply", msg_id)
        expressions = reply["content"]["user_expressions"]
        self.assertEqual(expressions["x"]["status"], "ok")
        self.assertEqual(expressions["x"]["data"]["text/plain"], "42")
        self.assertEqual(expressions["bad"]["status"], "error")
        self.wait_for_idle(msg_id)

    def test_loom_stdin_input(self):
        self.flush_channels()
        msg_id = self.kc.execute("const loomName = input('name? ')\nconsole.log(`hello ${loomName}`)", allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=TIMEOUT)
        # Not validate_message: jupyter_kernel_test 0.4.5's schema wants a number
        # for `password`, where the protocol (and every kernel) sends a boolean.
        self.assertEqual(request["header"]["msg_type"], "input_request")
        self.assertEqual(request["parent_header"]["msg_id"], msg_id)
        self.assertEqual(request["content"], {"prompt": "name? ", "password": False})
        self.kc.input("Ada")
        reply = self.get_non_kernel_info_reply(timeout=TIMEOUT)
        validate_message(reply, "execute_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertIn("hello Ada", self.stdout_of(self.wait_for_idle(msg_id)))

    def test_loom_input_without_stdin_fails(self):
        # jupyter_client allows stdin unless told otherwise.
        self.flush_channels()
        msg_id = self.kc.execute("input('never asked')", allow_stdin=False)
        reply = self.get_non_kernel_info_reply(timeout=TIMEOUT)
        validate_message(reply, "execute_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "StdinNotImplementedError")
        self.assertEqual([m["msg_type"] for m in self.wait_for_idle(msg_id)], ["execute_input", "error"])

    def test_loom_interrupt(self):
        """A busy loop stops on interrupt_request and the kernel carries on."""
        self.flush_channels()
        msg_id = self.kc.execute("console.log('spinning')\nwhile (true) {}")
        # Interrupt only once the loop runs: its first output says so.
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                break
        self.km.interrupt_kernel()
        reply = self.get_non_kernel_info_reply(timeout=TIMEOUT)
        validate_message(reply, "execute_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        self.wait_for_idle(msg_id)
        reply, _ = self.run_cell("2 + 2")
        self.assertEqual(reply["content"]["status"], "ok")

    def test_loom_comm_info(self):
        self.flush_channels()
        msg_id = self.kc.comm_info()
        reply = self.get_non_kernel_info_reply(timeout=TIMEOUT)
        validate_message(reply, "comm_info_reply", msg_id)
        self.assertEqual(reply["content"]["comms"], {})

    def test_loom_heartbeat(self):
        self.assertTrue(self.kc.is_alive())


    # The debugger, driven through jupyter_client's own channels as ipykernel's
    # tests/test_debugger.py drives ipykernel's (initialize, attach, dumpCell,
    # setBreakpoints, a stop, stackTrace, scopes, variables, continue, disconnect).
    _debug_seq = 0

    def debug_request(self, command, arguments=None):
        LoomKernelTests._debug_seq += 1
        msg = self.kc.session.msg(
            "debug_request",
            {"type": "request", "seq": self._debug_seq, "command": command, "arguments": arguments or {}},
        )
        self.kc.control_channel.send(msg)
        while True:
            reply = self.kc.get_control_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                self.assertEqual(reply["msg_type"], "debug_reply")
                return reply["content"]

    def next_debug_event(self, name):
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["msg_type"] == "debug_event" and msg["content"]["event"] == name:
                return msg["content"]

    def test_loom_debugger_stops_at_a_breakpoint(self):
        self.flush_channels()
        reply = self.debug_request("initialize", {"clientID": "test-client", "adapterID": "", "pathFormat": "path",
                                                   "linesStartAt1": True, "columnsStartAt1": True})
        self.assertTrue(reply["success"])
        self.assertTrue(self.debug_request("attach")["success"])
        try:
            code = "function f(a: number, b: number) {\n  const c = a + b;\n  return c;\n}\nconst r = f(2, 3);\nr"
            source = self.debug_request("dumpCell", {"code": code})["body"]["sourcePath"]
            reply = self.debug_request("setBreakpoints", {"breakpoints": [{"line": 2}], "source": {"path": source},
                                                          "sourceModified": False})
            self.assertEqual([bp["verified"] for bp in reply["body"]["breakpoints"]], [True])
            self.assertTrue(self.debug_request("configurationDone")["success"])
            msg_id = self.kc.execute(code)
            stopped = self.next_debug_event("stopped")
            self.assertEqual(stopped["body"]["reason"], "breakpoint")
            frames = self.debug_request("stackTrace", {"threadId": stopped["body"]["threadId"]})["body"]["stackFrames"]
            self.assertEqual((frames[0]["name"], frames[0]["line"], frames[0]["source"]["path"]), ("f", 2, source))
            scopes = self.debug_request("scopes", {"frameId": frames[0]["id"]})["body"]["scopes"]
            locals_ = [s for s in scopes if s["name"] == "Locals"][0]
            variables = self.debug_request("variables", {"variablesReference": locals_["variablesReference"]})
            values = {v["name"]: v["value"] for v in variables["body"]["variables"]}
            self.assertEqual((values["a"], values["b"]), ("2", "3"))
            self.assertTrue(self.debug_request("continue", {"threadId": stopped["body"]["threadId"]})["success"])
            # Taken off iopub here: jupyter_kernel_test 0.4.5's schema does not know debug_event.
            self.next_debug_event("continued")
            reply = self.get_non_kernel_info_reply(timeout=TIMEOUT)
            self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
            self.assertEqual(reply["content"]["status"], "ok")
        finally:
            self.assertTrue(self.debug_request("disconnect", {"restart": False, "terminateDebuggee": True})["success"])
