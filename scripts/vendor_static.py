"""Rebuild static/vendor/ from the npm registry: `python scripts/vendor_static.py` (needs npm).

The chat pages use three browser libraries, served by the app itself (no CDN), each with its
licence beside it. Versions are pinned here; bump one, run this, and commit what changed.
Source maps are left out (and their comments stripped), since they are not served.
"""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
PACKAGES = {"markdown-it": "15.0.3", "dompurify": "3.5.0", "@highlightjs/cdn-assets": "11.12.0"}
# The languages people most often paste into a chat; others show as plain code. Each adds 1-3 KB.
LANGUAGES = [
    "bash", "c", "diff", "go", "java", "javascript", "json", "markdown", "plaintext", "python", "rust",
    "shell", "sql", "typescript", "xml", "yaml",
]
SOURCE_MAP = re.compile(r"\n?//# sourceMappingURL=\S+\s*$")


def copy_script(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(SOURCE_MAP.sub("\n", source.read_text()))


def highlight_bundle(package: Path) -> str:
    """highlight.js core plus the chosen languages as one classic script that sets window.hljs.
    The core ships as an ES module; its `export default` becomes an assignment."""
    core = (package / "es" / "core.min.js").read_text()
    core, count = re.subn(r"export\{(\w+) as default\};?\s*$", r"window.hljs=\1;", core)
    if count != 1:
        raise SystemExit("highlight.js core: its export statement changed; update vendor_static.py")
    parts = [f"(()=>{{{core}}})();"]
    parts += [SOURCE_MAP.sub("", (package / "languages" / f"{name}.min.js").read_text()) for name in LANGUAGES]
    return "\n".join(parts) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        specs = [f"{name}@{version}" for name, version in PACKAGES.items()]
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", tmp, *specs], check=True)
        modules = Path(tmp) / "node_modules"
        copy_script(modules / "markdown-it/dist/browser/markdown-it.umd.min.js", VENDOR / "markdown-it/markdown-it.min.js")
        shutil.copy(modules / "markdown-it/LICENSE", VENDOR / "markdown-it/LICENSE")
        copy_script(modules / "dompurify/dist/purify.min.js", VENDOR / "dompurify/purify.min.js")
        shutil.copy(modules / "dompurify/LICENSE", VENDOR / "dompurify/LICENSE")
        highlight = modules / "@highlightjs/cdn-assets"
        (VENDOR / "highlight").mkdir(parents=True, exist_ok=True)
        (VENDOR / "highlight/highlight.min.js").write_text(highlight_bundle(highlight))
        # The token colours are the page's own (static/chat/chat.css), chosen for 4.5:1 contrast
        # on the code background in light and dark mode; the library's themes are not used.
        shutil.copy(highlight / "LICENSE", VENDOR / "highlight/LICENSE")


if __name__ == "__main__":
    main()
