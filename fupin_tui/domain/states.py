"""Project states in the order of the regulation's life cycle (RULES section A)."""

STATES = (
    "入库", "申报", "立项", "方案已报", "方案批复", "实施中", "完工初检",
    "申请验收", "已验收", "整改", "已报账", "已移交", "已归档",
)
SIDE_STATES = ("调整中", "已收回", "已终止")
HOUSEHOLD_STATUSES = ("识别中", "在册", "已脱贫", "返贫", "清退")
