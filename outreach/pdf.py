"""The printed sheets of the money side, drawn with the printing grid (cases.print_grid)."""

from cases.idcard import mask_id_number
from cases.print_grid import Column, Footer, list_pdf, long_date, row_number, signature

_BLANK = "\u00a0"


def _money(value):
    return f"{value:,.2f}"


SIGNOFF_COLUMNS = (
    row_number(width_mm=11),
    Column("户主姓名", 19, lambda row: row.head_name, align="center"),
    # the sheet goes round the community from hand to hand: never a full number
    Column("身份证号", 44, lambda row: mask_id_number(row.head_id_number), align="center"),
    Column("困难类别", 18, lambda row: row.category_label, align="center"),
    Column("现金（元）", 19, lambda row: _money(row.cash), align="right"),
    Column("物品", 24, lambda row: row.goods or "—", align="center"),
    signature("签名（或手印）", 28),
    Column("日期", 18, None, align="center"),
)


def signoff_pdf(campaign, node, rows, totals):
    """A node's sign-off sheet (签收表) of a campaign: one row per household to sign, the header on
    every page, 第 x 页 共 y 页, the totals at the end and room for the node's stamp and the
    handler's signature. ``rows`` carry head_name, head_id_number, category_label, cash, goods;
    ``totals`` households, cash, goods_value (yuan)."""
    title = f"{campaign.year}年{campaign.get_occasion_display()}送温暖慰问金（物）签收表"
    before = [(f"活动：{campaign.name}　　发放单位：{node.name}　　活动期间：{long_date(campaign.starts_on)}至"
              f"{long_date(campaign.ends_on)}")]
    after = [
        f"合计：{totals['households']} 户，现金 {_money(totals['cash'])} 元，物品价值 {_money(totals['goods_value'])} 元",
        # room for the node's round stamp and the handler's signature (a Paragraph keeps only
        # non-breaking spaces, so the blanks are made of them)
        _BLANK, f"单位（盖章）：{_BLANK * 40}经办人（签名）：{_BLANK * 30}", _BLANK, _BLANK, _BLANK,
        f"年{_BLANK * 6}月{_BLANK * 6}日{_BLANK * 4}",
    ]
    return list_pdf(title=title, columns=SIGNOFF_COLUMNS, rows=rows, before=before, after=after,
                    author=node.name, empty_text="该单位没有列入名单的户。",
                    footer=Footer(left=f"{node.name} {title}", note="身份证号已隐去部分数字"))
