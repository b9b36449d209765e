"""What supervisord runs for a service: this replaces itself by the service, with the command line and the exact
environment './nara run' chose (a 0600 JSON file), so supervisord's config holds neither passwords nor quoting."""

import json
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    spec = json.loads(Path(sys.argv[1]).read_text())
    os.execve(spec["argv"][0], spec["argv"], spec["env"])
