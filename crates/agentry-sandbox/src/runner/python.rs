//! Python: exec the interpreter under the runner's filter, with a bootstrap that forbids any
//! further `execve` (through `prctl(PR_SET_SECCOMP)` and ctypes) before it reads the user's
//! code from stdin. The filter cannot tell the interpreter's own `execve` from a later one, so
//! the second filter closes the door the first one had to leave open; seccomp filters only
//! ever add up, and the bootstrap exits without running anything when sealing fails.

use std::os::unix::process::CommandExt;

use super::{Args, filter};

/// Exit code of a bootstrap that could not seal `execve`.
pub const SEAL_FAILED: i32 = 121;

/// Runs the code as `__main__`; the value of a last bare expression is the result, as a
/// notebook cell's (`repr`, `None` gives none). Writes the report after the user's stdout.
const BOOTSTRAP: &str = r#"
import sys, ctypes
def _seal(hexprog):
    prog = bytes.fromhex(hexprog)
    buf = ctypes.create_string_buffer(prog, len(prog))
    class Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
    fprog = Fprog(len(prog) // 8, ctypes.cast(buf, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) != 0:
        sys.stderr.write("sandbox: could not forbid execve\n")
        sys.stderr.flush()
        import os
        os._exit(SEAL_FAILED)
_seal(sys.argv[1])
del _seal
import ast, json, traceback
def _run(src):
    report = {}
    env = {"__name__": "__main__", "__builtins__": __builtins__}
    try:
        tree = ast.parse(src, "<code>", "exec")
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, "<code>", "exec"), env)
        if last is not None:
            value = eval(compile(last, "<code>", "eval"), env)
            if value is not None:
                report["result"] = repr(value)
    except SystemExit as e:
        if e.code not in (None, 0):
            report["error"] = "SystemExit: " + str(e.code)
    except BaseException as e:
        traceback.print_exc()
        report["error"] = type(e).__name__ + ": " + str(e)
    return report
_report = _run(sys.stdin.read())
try:
    sys.stdout.flush()
except BaseException:
    pass
sys.stderr.flush()
sys.__stdout__.write(MARKER + json.dumps(_report))
sys.__stdout__.flush()
"#;

/// The bootstrap with its constants filled in.
pub fn bootstrap() -> String {
    BOOTSTRAP
        .replace("SEAL_FAILED", &SEAL_FAILED.to_string())
        .replace("MARKER", &format!("{:?}", crate::protocol::MARKER))
}

/// Becomes Python; returns only why it could not.
pub fn exec(args: &Args) -> String {
    let program = match filter::no_exec_program() {
        Ok(program) => filter::to_hex(&program),
        Err(e) => return e,
    };
    let e = std::process::Command::new(&args.python)
        .arg("-I")
        .arg("-S")
        .arg("-c")
        .arg(bootstrap())
        .arg(program)
        .exec();
    format!("cannot exec {}: {e}", args.python.display())
}
