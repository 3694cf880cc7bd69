"""Administrative divisions: codes, names, and the issuer → region resolver."""
import pytest

from kb import regions
from kb.regions import all_regions, by_code, find_region, lookup, mentions


def chain(r):
    return None if r is None else (r.code, r.name, r.level, r.prefecture, r.province)


# --- tables ----------------------------------------------------------------------------------


def test_tables_are_loaded_once_and_complete():
    t = regions._table()
    assert t is regions._table()
    assert len(t.names) == 3213
    assert t.historic  # the history table contributes retired names


@pytest.mark.parametrize(
    "code, name, level, pref_code, pref, prov_code, prov",
    [
        ("445281", "普宁市", "county", "445200", "揭阳市", "440000", "广东省"),
        ("350582", "晋江市", "county", "350500", "泉州市", "350000", "福建省"),
        ("440785", "恩平市", "county", "440700", "江门市", "440000", "广东省"),
        ("331081", "温岭市", "county", "331000", "台州市", "330000", "浙江省"),
        ("630000", "青海省", "province", None, None, None, None),
        ("445200", "揭阳市", "prefecture", None, None, "440000", "广东省"),
        # 直辖市 district and 省直辖县级 unit: no prefecture code exists
        ("110105", "朝阳区", "county", None, None, "110000", "北京市"),
        ("429004", "仙桃市", "county", None, None, "420000", "湖北省"),
        ("500235", "云阳县", "county", None, None, "500000", "重庆市"),
    ],
)
def test_by_code(code, name, level, pref_code, pref, prov_code, prov):
    r = by_code(code)
    assert (r.code, r.name, r.level) == (code, name, level)
    assert (r.prefecture_code, r.prefecture) == (pref_code, pref)
    assert (r.province_code, r.province) == (prov_code, prov)


def test_by_code_unknown_and_retired():
    assert by_code("999999") is None
    assert by_code("") is None
    old = by_code("320584")  # 吴江市, replaced by 吴江区 in 2012
    assert (old.name, old.level, old.prefecture, old.province) == ("吴江市", "county", "苏州市", "江苏省")


def test_all_regions():
    rs = all_regions()
    assert len(rs) == 3213 and len({r.code for r in rs}) == 3213
    assert {r.level for r in rs} == {"province", "prefecture", "county"}
    assert sum(r.level == "province" for r in rs) == 34
    assert all(r.province for r in rs if r.level != "province")


def test_lookup_full_names():
    assert [r.code for r in lookup("普宁市")] == ["445281"]
    assert [r.code for r in lookup("青海省")] == ["630000"]
    assert lookup("青海省")[0].level == "province"
    assert {r.code for r in lookup("朝阳区")} == {"110105", "220104"}
    assert len(lookup("鼓楼区")) == 4
    assert lookup("不存在县") == []


def test_lookup_short_autonomous_and_historic_names():
    assert [r.code for r in lookup("黔东南州")] == ["522600"]
    assert [r.code for r in lookup("宁夏")] == ["640000"]
    assert [r.code for r in lookup("吴江市")] == ["320509"]  # renamed 吴江区
    assert [r.code for r in lookup("温岭县")] == ["331081"]  # 撤县设市 1994
    assert [r.code for r in lookup("万县区")] == ["500101"]  # same code renamed 万州区


def test_mentions_skip_generic_names_without_context():
    assert [n for _, _, n in mentions("阳泉市城区教育局")] == ["阳泉市", "城区"]
    assert mentions("中心城区教育局") == []
    assert mentions("市教育局") == []


# --- find_region ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "issuers, code",
    [
        (["普宁市人民政府办公室"], "445281"),
        (["晋江市人民政府办公室"], "350582"),
        (["恩平市人民政府办公室"], "440785"),
        (["温岭市人民政府办公室"], "331081"),
        (["中共青海省委办公厅", "青海省人民政府办公厅"], "630000"),
    ],
)
def test_seed_issuers(issuers, code):
    r = find_region(issuers, "")
    assert r.code == code
    assert by_code(code) == r


def test_seed_chains():
    assert chain(find_region(["普宁市人民政府办公室"])) == ("445281", "普宁市", "county", "揭阳市", "广东省")
    assert chain(find_region(["晋江市人民政府办公室"])) == ("350582", "晋江市", "county", "泉州市", "福建省")
    assert chain(find_region(["恩平市人民政府办公室"])) == ("440785", "恩平市", "county", "江门市", "广东省")
    assert chain(find_region(["温岭市人民政府办公室"])) == ("331081", "温岭市", "county", "台州市", "浙江省")
    assert chain(find_region(["中共青海省委办公厅"])) == ("630000", "青海省", "province", None, None)


@pytest.mark.parametrize(
    "issuers, code",
    [
        (["中共广东省委", "广东省人民政府"], "440000"),
        (["江门市人民政府办公室"], "440700"),
        (["泰顺县教育局"], "330329"),
        (["中共温岭市委办公室", "温岭市人民政府办公室"], "331081"),
        (["延边朝鲜族自治州人民政府"], "222400"),
        (["黔东南州教育局"], "522600"),
        (["长阳土家族自治县教育局"], "420528"),
        (["正蓝旗教育局"], "152530"),
        (["锡林郭勒盟行政公署教育局"], "152500"),
        (["宁夏回族自治区教育厅"], "640000"),
        (["仙桃市教育局"], "429004"),
        (["阳泉市城区教育局"], "140302"),
    ],
)
def test_issuer_forms(issuers, code):
    assert find_region(issuers).code == code


def test_most_specific_region_wins():
    assert find_region(["广东省教育厅", "普宁市教育局"]).code == "445281"
    assert find_region(["江门市恩平市教育局"]).code == "440785"


def test_ambiguous_county_resolved_by_issuer_context():
    assert find_region(["北京市朝阳区教育委员会"]).code == "110105"
    assert find_region(["长春市朝阳区教育局"]).code == "220104"


@pytest.mark.parametrize(
    "issuer, hints, code",
    [
        ("朝阳区教育委员会", "为推进北京教育现代化,落实《北京市中长期教育改革和发展规划纲要》", "110105"),
        ("朝阳区教育局", "长春市朝阳区义务教育优质均衡发展实施方案", "220104"),
        ("鼓楼区人民政府办公室", "福州市鼓楼区推动义务教育优质均衡发展。福州市教育局", "350102"),
        ("鼓楼区教育局", "南京市鼓楼区 江苏省", "320106"),
        ("鼓楼区教育局", "开封市鼓楼区学前教育", "410204"),
        ("和平区教育局", "沈阳市和平区", "210102"),
        ("和平区教育局", "天津市和平区", "120101"),
    ],
)
def test_ambiguous_county_resolved_by_hints(issuer, hints, code):
    assert find_region([issuer], hints).code == code


def test_unresolvable_ambiguity_falls_back_to_common_parent_or_none():
    assert find_region(["朝阳区教育局"], "") is None  # 北京 vs 长春: nothing shared
    # 鼓楼区 of 南京 and of 徐州 share 江苏省
    r = find_region(["鼓楼区教育局"], "江苏省")
    assert r.code == "320000"


@pytest.mark.parametrize(
    "issuer, code",
    [
        ("吴江市人民政府", "320509"),  # 吴江市 → 吴江区 (2012)
        ("温岭县教育局", "331081"),  # 温岭县 → 温岭市 (1994)
        ("番禺市教育局", "440113"),  # 番禺市 → 番禺区 (2000)
        ("中共莱芜市委", "370100"),  # 莱芜市 merged into 济南 (2019): 莱芜区 + 钢城区 → 济南市
    ],
)
def test_historic_names(issuer, code):
    assert find_region([issuer]).code == code


@pytest.mark.parametrize("texts", [[], [""], ["市教育局"], ["中心城区教育局"], ["abc"], [None], ["《》〈〉"]])
def test_no_region(texts):
    assert find_region(texts, "") is None
