"""One name, one class: two classes of one name in two modules were a bug last time (a dialog's
CSS collided and a refusal was never shown), and a reader cannot tell them apart."""

import ast
from collections import defaultdict
from pathlib import Path

import fupin_tui


def test_no_two_classes_of_the_app_share_a_name():
    where = defaultdict(list)
    root = Path(fupin_tui.__file__).parent
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                where[node.name].append(str(path.relative_to(root)))
    twice = {name: files for name, files in where.items() if len(files) > 1}
    assert not twice, f"classes defined more than once: {twice}"
