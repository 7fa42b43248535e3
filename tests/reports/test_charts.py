"""The server-made SVG charts (reports/charts.py): accessible names, escaped text, scales."""

from decimal import Decimal

from reports import charts


def test_line_chart_is_an_image_with_title_description_and_summary_link():
    svg = charts.LineChart(
        title="Ramps <script>",
        desc="Observed 10 to 12 & rising",
        chart_id="c1",
        described_by="c1-summary",
        observed=[(2020, Decimal(10)), (2025, Decimal(12))],
        path=[(2020, Decimal(10)), (2030, Decimal(100))],
        targets=[(2030, Decimal(100))],
        observed_label="Observed",
        target_label="Target path",
    ).render()
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert 'aria-describedby="c1-summary"' in svg
    assert '<title id="c1-title">Ramps &lt;script&gt;</title>' in svg
    assert "Observed 10 to 12 &amp; rising" in svg
    assert "<script" not in svg
    assert svg.count("<polyline") == 2  # observed and the target path
    assert 'stroke-dasharray="6 4"' in svg  # the path is dashed, not only differently coloured
    assert "style=" not in svg  # presentation attributes: nothing for the CSP to refuse


def test_a_chart_without_points_is_empty():
    assert charts.LineChart(title="t", desc="d", chart_id="x", observed=[]).render() == ""
    assert charts.sparkline([(2020, 1)], label="one point") == ""
    assert charts.stacked_bar([("planned", "Planned", 0)], label="none") == ""


def test_axis_ticks_are_round_and_cover_the_values():
    assert charts.nice_ticks(0, 129718) == [0, 50000, 100000, 150000]
    assert charts.nice_ticks(0, 7) == [0, 2, 4, 6, 8]
    ticks = charts.nice_ticks(-3, 12)
    assert ticks[0] <= -3
    assert ticks[-1] >= 12


def test_tile_map_places_every_region_once_and_shades_by_value():
    tiles = [
        charts.Tile(code, f"Region {i}", Decimal(i) if i else None, str(i))
        for i, code in enumerate(charts.REGION_TILES)
    ]
    svg = charts.tile_map(tiles, title="By region", desc="summary", chart_id="m", no_data="n/a")
    assert svg.count("<rect") == 16
    assert len(set(charts.REGION_TILES.values())) == 16  # no two regions on one tile
    assert charts.SCALE[4] in svg  # the highest value is the darkest
    assert ">n/a<" in svg  # a region without a value says so in words
    assert charts.scale_class(Decimal(15), 1, 15) == 4
    assert charts.scale_class(Decimal(1), 1, 15) == 0
    assert charts.scale_class(None, 1, 15) is None


def test_stacked_bar_names_every_part_in_its_label():
    svg = charts.stacked_bar(
        [("planned", "Planned", 1), ("implemented", "Implemented", 3)],
        label="Measures by status. Planned: 1; Implemented: 3",
    )
    assert 'aria-label="Measures by status. Planned: 1; Implemented: 3"' in svg
    assert svg.count("<rect") == 2
