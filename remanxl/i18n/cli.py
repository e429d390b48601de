"""Messages of remanxl's cli area: key -> (English, Chinese); see :mod:`remanxl.i18n`."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.problems": ("remanxl: {source}: {count} problem(s); nothing was written:",
                     "remanxl:{source}:发现 {count} 个问题;未写入任何内容:"),
    "cli.more_problems": ("… and {count} more problem(s) not shown; `--all-problems` lists every one",
                          "……另有 {count} 个问题未列出;加 `--all-problems` 可全部列出"),
    "cli.example": ("Bundled example workbook (remanxl template --example PATH writes a copy)",
                    "内置示例工作簿(remanxl template --example 路径 可另存一份)"),
    "cli.functional_unit": ("N = {n}; remanufacturer: {who}", "N = {n};再制造商类型:{who}"),
    "cli.warnings": ("Warnings:", "提示:"),
    "cli.invalid": ("INVALID EVALUATION:", "评价无效:"),
    "cli.written": ("Summary written to {path}", "汇总已写入 {path}"),
    "cli.not_available": ("n/a", "无法计算"),
}
