//! Transcript clean-up: strip the tags Whisper invents for non-speech ("[MUSIC]", "(sighs)", "*laughs*",
//! "♪"), tidy whitespace, and convert common traditional Chinese characters to simplified.

/// Remove bracketed, parenthesised and starred tags and music notes; collapse whitespace.
pub fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut closing: Option<char> = None;
    for c in text.chars() {
        if let Some(end) = closing {
            if c == end {
                closing = None;
            }
            continue;
        }
        match c {
            '[' => closing = Some(']'),
            '(' => closing = Some(')'),
            '（' => closing = Some('）'),
            '【' => closing = Some('】'),
            '*' => closing = Some('*'),
            '♪' | '♫' => {}
            _ => out.push(c),
        }
    }
    // An unclosed tag at the end is dropped too (it was cut off), which the loop already did.
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Traditional -> simplified pairs for characters common in interviews (a small table, not a full converter).
const T2S: &[(char, char)] = &[
    ('們', '们'),
    ('個', '个'),
    ('這', '这'),
    ('來', '来'),
    ('時', '时'),
    ('會', '会'),
    ('為', '为'),
    ('說', '说'),
    ('對', '对'),
    ('經', '经'),
    ('現', '现'),
    ('發', '发'),
    ('問', '问'),
    ('題', '题'),
    ('與', '与'),
    ('還', '还'),
    ('過', '过'),
    ('後', '后'),
    ('學', '学'),
    ('麼', '么'),
    ('樣', '样'),
    ('沒', '没'),
    ('點', '点'),
    ('長', '长'),
    ('開', '开'),
    ('關', '关'),
    ('實', '实'),
    ('進', '进'),
    ('動', '动'),
    ('業', '业'),
    ('產', '产'),
    ('應', '应'),
    ('處', '处'),
    ('團', '团'),
    ('隊', '队'),
    ('場', '场'),
    ('車', '车'),
    ('間', '间'),
    ('設', '设'),
    ('備', '备'),
    ('員', '员'),
    ('戶', '户'),
    ('單', '单'),
    ('價', '价'),
    ('錢', '钱'),
    ('萬', '万'),
    ('億', '亿'),
    ('兩', '两'),
    ('幾', '几'),
    ('從', '从'),
    ('讓', '让'),
    ('給', '给'),
    ('帶', '带'),
    ('種', '种'),
    ('數', '数'),
    ('據', '据'),
    ('線', '线'),
    ('級', '级'),
    ('課', '课'),
    ('師', '师'),
    ('講', '讲'),
    ('聽', '听'),
    ('話', '话'),
    ('語', '语'),
    ('認', '认'),
    ('識', '识'),
    ('決', '决'),
    ('辦', '办'),
    ('護', '护'),
    ('風', '风'),
    ('險', '险'),
    ('檢', '检'),
    ('標', '标'),
    ('準', '准'),
    ('質', '质'),
    ('計', '计'),
    ('劃', '划'),
    ('畫', '画'),
    ('務', '务'),
    ('銷', '销'),
    ('額', '额'),
    ('談', '谈'),
    ('壓', '压'),
    ('協', '协'),
    ('調', '调'),
    ('溝', '沟'),
    ('報', '报'),
    ('結', '结'),
    ('機', '机'),
    ('廠', '厂'),
    ('區', '区'),
    ('門', '门'),
    ('體', '体'),
    ('驗', '验'),
    ('愛', '爱'),
    ('裡', '里'),
    ('裏', '里'),
    ('頭', '头'),
    ('見', '见'),
    ('覺', '觉'),
    ('嗎', '吗'),
    ('賣', '卖'),
    ('買', '买'),
    ('東', '东'),
    ('將', '将'),
    ('當', '当'),
    ('無', '无'),
    ('總', '总'),
    ('歲', '岁'),
    ('緊', '紧'),
    ('傷', '伤'),
    ('醫', '医'),
    ('環', '环'),
    ('節', '节'),
    ('約', '约'),
    ('維', '维'),
    ('覆', '复'),
    ('復', '复'),
    ('雜', '杂'),
    ('難', '难'),
    ('責', '责'),
    ('預', '预'),
    ('測', '测'),
    ('試', '试'),
    ('導', '导'),
    ('領', '领'),
    ('範', '范'),
    ('運', '运'),
    ('營', '营'),
    ('費', '费'),
    ('貨', '货'),
    ('資', '资'),
    ('訊', '讯'),
    ('電', '电'),
    ('腦', '脑'),
    ('網', '网'),
    ('絡', '络'),
    ('軟', '软'),
    ('輕', '轻'),
    ('細', '细'),
    ('統', '统'),
    ('係', '系'),
    ('聯', '联'),
    ('繫', '系'),
    ('終', '终'),
    ('週', '周'),
    ('歷', '历'),
    ('曆', '历'),
    ('勞', '劳'),
    ('獎', '奖'),
    ('勵', '励'),
    ('極', '极'),
    ('積', '积'),
    ('優', '优'),
    ('勢', '势'),
    ('熱', '热'),
    ('習', '习'),
    ('慣', '惯'),
    ('親', '亲'),
    ('媽', '妈'),
    ('興', '兴'),
    ('氣', '气'),
    ('錯', '错'),
    ('誤', '误'),
    ('項', '项'),
    ('邊', '边'),
    ('著', '着'),
    ('則', '则'),
    ('規', '规'),
    ('劑', '剂'),
    ('盡', '尽'),
    ('寫', '写'),
    ('讀', '读'),
    ('書', '书'),
    ('筆', '笔'),
    ('記', '记'),
];

/// Replace common traditional characters with their simplified forms.
pub fn to_simplified(text: &str) -> String {
    text.chars()
        .map(|c| {
            T2S.iter()
                .find(|(t, _)| *t == c)
                .map(|(_, s)| *s)
                .unwrap_or(c)
        })
        .collect()
}

/// The clean text of one Whisper segment (`chinese`: also convert to simplified characters).
pub fn clean_segment_text(text: &str, chinese: bool) -> String {
    let stripped = strip_tags(text);
    if chinese {
        to_simplified(&stripped)
    } else {
        stripped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_removed() {
        let cases = [
            ("[XBOX SOUND] Hello there.", "Hello there."),
            ("*laughs* Yes, I did. (sighs)", "Yes, I did."),
            ("♪ music ♪", "music"),
            ("We closed it [BLANK_AUDIO]", "We closed it"),
            ("（笑）我们做到了", "我们做到了"),
            ("plain text", "plain text"),
        ];
        for (input, expected) in cases {
            assert_eq!(strip_tags(input), expected, "{input}");
        }
    }

    #[test]
    fn traditional_characters_become_simplified() {
        assert_eq!(to_simplified("我們這個團隊的設備"), "我们这个团队的设备");
        assert_eq!(to_simplified("hello 123"), "hello 123");
        assert_eq!(clean_segment_text("[音樂] 車間主任", true), "车间主任");
    }
}
