using System.Globalization;
using Platform.Templates.Checks;

namespace Platform.City;

/// <summary>Plausible names, addresses and identity numbers of Nanchong-like businesses and people.</summary>
internal static class Names
{
    private static readonly string[] Surnames =
        ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "罗", "邓", "蒋", "唐", "冯", "谢", "任"];

    private static readonly string[] Given =
        ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "红", "华", "建", "国", "德", "春"];

    private static readonly string[] Marks =
        ["锦华", "嘉陵", "蜀通", "顺达", "鑫源", "宏盛", "华蓥", "益民", "永安", "天府", "金果", "瑞丰", "恒信", "川北", "丝绸", "阆苑", "新程", "博远",
         "康泰", "众诚", "果州", "西山", "凌云", "聚贤", "万卷", "清泉", "汇通", "长乐", "安汉", "仁和"];

    private static readonly string[] Roads =
        ["人民路", "模范街", "滨江大道", "文化路", "北湖路", "延安路", "建设路", "江东大道", "嘉陵路", "解放路", "涪江路", "鹤鸣路"];

    public static string Person(ref Draw draw) =>
        draw.Pick(Surnames) + draw.Pick(Given) + (draw.Chance(0.6) ? draw.Pick(Given) : "");

    public static string Mark(ref Draw draw) => draw.Pick(Marks);

    public static string Business(string county, string mark, Industry industry) =>
        $"{Short(county)}{mark}{industry.Word}有限公司";

    public static string Address(string county, ref Draw draw) =>
        $"四川省{Divisions.Name(county[..4] + "00")}{Divisions.Name(county)}{draw.Pick(Roads)}{draw.Between(1, 399)}号";

    /// <summary>A county's name without its 区/县/市, as businesses name themselves after it.</summary>
    private static string Short(string county)
    {
        var name = Divisions.Name(county) ?? "";
        return name.Length > 2 ? name[..^1] : name;
    }

    /// <summary>A GB 11643 resident ID of someone born in one of the counties between 1950 and 2000.</summary>
    public static string ResidentId(string county, ref Draw draw)
    {
        var born = new DateOnly(1950, 1, 1).AddDays(draw.Next(18_250));
        var first17 = string.Create(CultureInfo.InvariantCulture, $"{county}{born:yyyyMMdd}{draw.Next(1000):D3}");
        return first17 + Platform.Templates.Checks.ResidentId.CheckCharacter(first17);
    }

    /// <summary>
    /// A resident ID that is not also a well-formed USCC (one in 31 would be), so that no rule could take a person
    /// selling a flat for a business.
    /// </summary>
    public static string PersonsId(string county, ref Draw draw)
    {
        while (true)
        {
            var id = ResidentId(county, ref draw);
            if (Uscc.Check(id) != Uscc.Result.Valid)
            {
                return id;
            }
        }
    }
}
