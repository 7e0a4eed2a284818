"""What the county screens say: one place for the words the summary and a township's view share."""

from __future__ import annotations

READ_ONLY = "县级汇总库：各乡镇的记录只读，只能在乡镇自己的数据库中修改后重新上报。"


def unreachable(db, exc: BaseException) -> str:
    """The county database could not be read (the server stopped, the network went): one line."""
    from fupin_tui import server

    if db.is_server:
        return server.connect_words(exc, db.url).replace("未作任何改动。", "未作任何改动；恢复后按 Ctrl+R 重试。")
    return f"无法读取汇总库 {db.where}（文件不可读、被移走或 U 盘已拔出）。未作任何改动；恢复后按 Ctrl+R 重试。"
