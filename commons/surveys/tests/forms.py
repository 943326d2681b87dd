"""XLSForm workbooks built in tests, as a researcher's spreadsheet would hold them."""

from functools import cache

from commons.surveys.xlsform import write_workbook

SURVEY_HEADER = [
    "type",
    "name",
    "label::English (en)",
    "label::Thai (th)",
    "required",
    "relevant",
    "constraint",
]


def workbook(
    survey: list[list], choices: list[list] | None = None, settings: list[list] | None = None
) -> bytes:
    return write_workbook({"survey": survey, "choices": choices or [], "settings": settings or []})


@cache  # the same bytes each time: a workbook's file records when it was saved
def cso_form() -> bytes:
    """A small form modelled on the background survey of civil-society organisations."""
    return workbook(
        [
            SURVEY_HEADER,
            ["start", "start", "", "", "", "", ""],
            ["begin_group", "profile", "Profile", "โปรไฟล์", "", "", ""],
            [
                "select_one yesno",
                "trained",
                "Trained on modern slavery?",
                "เคยอบรม?",
                "yes",
                "",
                "",
            ],
            [
                "select_multiple pops",
                "populations",
                "Populations served",
                "กลุ่มที่ให้บริการ",
                "",
                "${trained} = 'yes'",
                "",
            ],
            ["integer", "staff", "Staff", "พนักงาน", "", "", ". >= 0 and . <= 10000"],
            ["end_group", "", "", "", "", "", ""],
            ["begin_group", "capacity", "Capacity", "ศักยภาพ", "", "${trained} = 'no'", ""],
            [
                "select_one yesno",
                "projects",
                "Implemented projects?",
                "เคยทำโครงการ?",
                "",
                "selected(${populations}, 'children') or not(${staff} > 5)",
                "",
            ],
            ["end_group", "", "", "", "", "", ""],
            ["decimal", "budget", "Budget (USD)", "งบประมาณ", "", "", ". > 0"],
            ["date", "founded", "Founded", "ก่อตั้ง", "", "", ""],
            ["text", "comments", "Comments", "ความเห็น", "", "", ""],
            ["note", "thanks", "Thank you", "ขอบคุณ", "", "", ""],
        ],
        [
            ["list_name", "name", "label::English (en)", "label::Thai (th)"],
            ["yesno", "yes", "Yes", "ใช่"],
            ["yesno", "no", "No", "ไม่ใช่"],
            ["pops", "children", "Children", "เด็ก"],
            ["pops", "women", "Women", "ผู้หญิง"],
            ["pops", "migrants", "Migrant workers", "แรงงานข้ามชาติ"],
        ],
        [
            ["form_title", "form_id", "default_language"],
            ["CSO survey (demo)", "cso", "English (en)"],
        ],
    )
