"""Documents rendered from templates/ (调解协议书, 案件材料, 裁定书): HTML kept with the case."""

import os
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from daojiao.domain.case import Case
from daojiao.domain.deadlines import CHINA

# templates/ sits at the repository root, beside the package; the layer's build (Makefile)
# copies it to /opt/templates, which DAOJIAO_TEMPLATES names on AWS.
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def templates_folder() -> str:
    """DAOJIAO_TEMPLATES when that folder exists (a deployment), else the working tree's."""
    configured = os.environ.get("DAOJIAO_TEMPLATES")
    return configured if configured and Path(configured).is_dir() else str(TEMPLATES)


@cache
def environment() -> Environment:
    folder = templates_folder()
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape())
    env.filters["china_time"] = china_time
    return env


def china_time(value: Any) -> str:
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def render(kind: str, case: Case, names: dict[str, str], **extra: Any) -> str:
    template = environment().get_template(f"documents/{kind}.html")
    return template.render(case=case, names=names, now=datetime.now(CHINA), **extra)
