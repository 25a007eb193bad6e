import re

from safetyportal.charts import bar_chart, pie_chart, svg_bar_chart
from safetyportal.templatetags.portal import echart


def test_bar_chart_option_carries_categories_and_series():
    option = bar_chart("活动场次", ["青阳街道", "灵源街道"], {"场次": [12, 30]})
    assert option["xAxis"]["data"] == ["青阳街道", "灵源街道"]
    assert option["series"] == [{"name": "场次", "type": "bar", "data": [12, 30]}]
    assert "subtext" not in option["title"] and "graphic" not in option


def test_empty_charts_say_there_is_no_data():
    # In the middle of the plot (a graphic), not a subtitle a legend under the title would cover; no empty legend.
    for option in (bar_chart("活动场次", [], {}), pie_chart("行业分布", {})):
        assert option["graphic"][0]["style"]["text"] == "暂无数据"
        assert option["graphic"][0]["top"] == "middle"
        assert "subtext" not in option["title"]
    assert bar_chart("活动场次", [], {})["legend"]["show"] is False


def test_echart_tag_renders_a_json_block_not_a_script():
    html = echart(bar_chart("标题</script><script>alert(1)", ["甲"], {"乙": [1]}))
    assert re.search(r'<script id="[^"]+" type="application/json">', html)
    assert "style=" not in html  # inline styles are refused by the CSP
    assert "<script>alert(1)" not in html  # json_script escapes < > &
    container = re.search(r'data-echart="([^"]+)"', html).group(1)
    assert f'id="{container}"' in html


def test_svg_chart_keeps_text_as_text_in_the_named_font():
    svg = svg_bar_chart("各单位开展活动场次", ["青阳街道", "灵源街道"], {"场次": [12, 30]})
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg[:200]
    assert "青阳街道" in svg and "各单位开展活动场次" in svg
    assert "Noto Sans CJK SC" in svg


def test_svg_chart_with_no_data_renders():
    assert "暂无数据" in svg_bar_chart("空", [], {})
