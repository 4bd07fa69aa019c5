//! Chinese personal names by generation, and phone numbers.

use crate::rng::Rng;

/// Common surnames, most frequent first (weights fall with rank).
const SURNAMES: [&str; 100] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯",
    "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴",
    "莫", "孔", "向", "汤",
];

const OLD_MALE: &[&str] = &[
    "建国", "国庆", "卫东", "建华", "国华", "志明", "德明", "长春", "振华", "文华", "永福", "德福",
    "树林", "学文", "宝山", "国强", "福生", "金山", "和平", "光明", "跃进", "援朝", "春生", "富贵",
    "德胜", "玉成", "明", "军", "林", "华", "荣", "海",
];
const OLD_FEMALE: &[&str] = &[
    "秀英", "桂兰", "淑珍", "玉兰", "秀兰", "凤英", "桂芳", "玉珍", "素芳", "翠花", "淑英", "秀珍",
    "玉梅", "桂英", "金凤", "秀芳", "淑华", "美华", "丽华", "兰芳", "素琴", "惠珍", "英", "芬",
];
const MID_MALE: &[&str] = &[
    "建军", "志强", "卫国", "红军", "小平", "建平", "海涛", "国平", "永刚", "晓东", "立新", "建新",
    "红兵", "文军", "勇", "斌", "刚", "伟", "涛", "强", "波", "军", "平", "明华", "德兵",
];
const MID_FEMALE: &[&str] = &[
    "丽", "红", "燕", "霞", "芳", "敏", "萍", "玲", "丽萍", "晓红", "红梅", "春梅", "小燕", "海燕",
    "丽君", "建英", "晓燕", "彩霞", "艳", "娟", "莉", "琼",
];
const YOUNG_MALE: &[&str] = &[
    "杰", "磊", "鹏", "浩", "宇", "超", "俊", "鑫", "帅", "晨", "浩然", "子豪", "宇航", "俊杰",
    "志鹏", "文杰", "家豪", "明辉", "小龙", "博", "亮", "凯",
];
const YOUNG_FEMALE: &[&str] = &[
    "婷", "倩", "静", "雪", "琳", "颖", "丹", "洁", "佳", "晶", "婷婷", "雪梅", "倩倩", "佳慧",
    "思雨", "晓雪", "梦琪", "丹丹", "欣", "悦", "媛", "蕾",
];
const CHILD_MALE: &[&str] = &[
    "子轩", "浩宇", "宇轩", "梓豪", "一鸣", "子墨", "俊熙", "睿", "泽宇", "奕辰", "沐阳", "铭",
    "锦程", "宇航",
];
const CHILD_FEMALE: &[&str] = &[
    "子涵", "欣怡", "梓涵", "诗涵", "雨涵", "可馨", "思琪", "一诺", "梓萱", "语桐", "若曦", "芷若",
    "雨桐",
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Male,
    Female,
}

impl Gender {
    pub(crate) fn random(rng: &mut Rng) -> Gender {
        if rng.below(2) == 0 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    pub(crate) fn other(self) -> Gender {
        match self {
            Gender::Male => Gender::Female,
            Gender::Female => Gender::Male,
        }
    }
}

pub(crate) struct Names {
    surname_weights: Vec<u32>,
}

impl Names {
    pub(crate) fn new() -> Names {
        Names {
            surname_weights: (0..SURNAMES.len() as u32)
                .map(|rank| 2_000 / (rank + 8))
                .collect(),
        }
    }

    pub(crate) fn surname(&self, rng: &mut Rng) -> &'static str {
        SURNAMES[rng.weighted(&self.surname_weights)]
    }

    pub(crate) fn given(rng: &mut Rng, birth_year: i32, gender: Gender) -> &'static str {
        let list = match (birth_year, gender) {
            (..1960, Gender::Male) => OLD_MALE,
            (..1960, Gender::Female) => OLD_FEMALE,
            (1960..1980, Gender::Male) => MID_MALE,
            (1960..1980, Gender::Female) => MID_FEMALE,
            (1980..2003, Gender::Male) => YOUNG_MALE,
            (1980..2003, Gender::Female) => YOUNG_FEMALE,
            (_, Gender::Male) => CHILD_MALE,
            (_, Gender::Female) => CHILD_FEMALE,
        };
        rng.pick(list)
    }
}

/// Mobile prefixes of the three carriers. The numbers are made up: the demo must never
/// send SMS or place calls.
const PHONE_PREFIXES: [&str; 24] = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "157", "158", "159", "177", "180", "181", "182", "187", "189", "199",
];

/// The `n`th phone number handed out: unique for every `n` below 10^8, because the last
/// eight digits are an affine bijection of `n` modulo 10^8.
pub(crate) fn phone(n: u64) -> String {
    const MODULUS: u64 = 100_000_000;
    let tail = (n % MODULUS * 37_019_011 + 52_347_119) % MODULUS;
    let prefix = PHONE_PREFIXES[((n / 7 + n * 13) % PHONE_PREFIXES.len() as u64) as usize];
    format!("{prefix}{tail:08}")
}
