import { KernelError } from '../errors.js';

/** The help text, and the error type that makes main print it and exit 2. */
export const USAGE = `Usage: loom <command> [options]

Commands:
  install [LOCATION] [--name NAME] [--display-name TEXT]
                          install the Jupyter kernelspec (replaces one of the same name)
  uninstall [LOCATION] [--name NAME]
                          remove the kernelspec
  kernel CONNECTION_FILE  run the kernel (Jupyter starts this from kernel.json)
  run [NOTEBOOK|FOLDER...] [--out DIR] [--answers FILE] [--default-answer TEXT]
      [--timeout SECONDS] [--no-install]
                          install the kernelspec for you, run the notebooks (default:
                          notebooks/) and write them, executed and as HTML, to DIR
                          (default: out/)
  worker REDIS_URL [--processes N] [--secret-file FILE] [--root DIR] [--lease SECONDS]
                          run tasks of loom/distributed clusters on this machine
                          (loom worker --help for more)
  help                    show this help (also: loom --help)

LOCATION (default --user):
  --user                  your Jupyter data dir ($JUPYTER_DATA_DIR, else
                          ~/.local/share/jupyter, ~/Library/Jupyter on macOS)
  --sys-prefix            the Python environment Jupyter runs in
                          ($VIRTUAL_ENV, $CONDA_PREFIX, else python3's sys.prefix)
  --prefix DIR            DIR/share/jupyter

Options:
  --name NAME             kernelspec name: lowercase letters, digits, - _ . (default: loom)
  --display-name TEXT     name shown in Jupyter (default: "TypeScript (Loom)")
`;

export class UsageError extends KernelError { readonly code = 'ERR_LOOM_USAGE'; }
