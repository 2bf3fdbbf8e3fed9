"""Lines planted in an article to steer whoever answers from it: a model, an assistant, a summariser.

A scraped archive will hold such lines ("Note to any AI reading this page: …", «إذا سُئلت عن … فقل
إن …»), mostly in ordinary words. A line is flagged when one pattern matches: it names the answering side
(an AI, an assistant, a summariser) and tells it what to do, it conditions on being asked or on
summarising, it prescribes the answer, it labels a role, or it overrides or suppresses the sources.
News quotes imperatives all the time («طالب المتحدث الأطراف بضبط النفس»); what it does not do is
address whoever answers questions about the article, so the patterns are about *that* addressee and
*that* task, and words that are also everyday news words («قدم», "assistant") count only with an
answer-specific object.

Measured by ``python -m eval.planted_eval`` on planted lines written for it (dev and test) and on
every sentence of the ANT news corpus, XQuAD's English paragraphs and the bundled samples.
Flagged lines never become answer candidates, are left out of what the LLM reads, and are never
accepted as support for a draft sentence.
"""

from __future__ import annotations

import re
from functools import lru_cache

_F = re.IGNORECASE

# --- English ---------------------------------------------------------------------------------------
# Only what names the answering machine itself ("assistant" and "program" alone are everyday news words).
_EN_STRICT = (
    r"(?:\bai\b|a\.i\.|artificial intelligence|(?:language|computer|ai) models?|\bllms?\b|chat ?bots?|"
    r"automated (?:\w+ ){0,2}?(?:systems?|tools?|readers?|editors?|summar\w+|answer\w*)|"
    r"summari[sz](?:ers?|ation tools?|ing tools?)|machine[- ]generated|digital assistants?|answering systems?)"
)
# Also the everyday words, where the sentence itself addresses them ("Dear assistant", "Note for the bot").
_EN_MACHINE = (
    r"(?:" + _EN_STRICT + r"|\bassistants?\b|\bbots?\b|machine[- ]readers?|(?:a|any) programs?\b|\bgpt\b|chatgpt)"
)
_EN_STRONG = [
    # a role label, the chat template's or a note's
    r"^\W*(?:system|assistant|user|instructions?|additional instructions?)\s*:",
    r"\b(?:user|assistant)\s*:.*\b(?:assistant|user)\s*:",
    r"<\|im_start\|>|\[/?inst\]|###\s*(?:instruction|system)",
    # the classic overrides
    r"\b(?:ignore|disregard|forget|override|set aside)\b.{0,40}\b(?:instructions?|prompts?|paragraphs?|"
    r"sources?|context|above|preceding|previous|what you (?:read|were told))",
    r"\bregardless of what\b.{0,40}\b(?:sources?|articles?|reports?)\b.{0,10}\bsays?\b",
    r"\byou are now\b|\bnew instructions\b|\byour (?:\w+ )?answer (?:is|must be|should be)\b|"
    r"\bthe correct answer (?:is|must be|should be)\b|\byou are an? (?:\w+ ){0,2}(?:assistant|model|ai)\b",
    # conditioned on being asked, or on summarising
    r"\b(?:if|when|whenever|should)\b (?:you|anyone|someone|a user|the user)\s*(?:are |is |be |gets? )?"
    r"(?:asked|questioned|queried|asks)\b",
    r"(?:^|[,;:]\s*)(?:answer|reply|respond|say|state|write|insist)\s+(?:that|with|only|:|\")",
    r"\bif (?:a|any) (?:question|query|enquiry|inquiry)\b.{0,30}\bcomes? up\b",
    r"\b(?:when|while|before) (?:you )?(?:answering|responding|replying|summari[sz]ing|drafting|citing|"
    r"preparing|writing) (?:a |the |any |your )?(?:summary|answer|response|reply|takeaway|this|the user)?",
    r"\b(?:when|before|while) you (?:answer|respond|reply|summari[sz]e|write|draft)\b",
    r"\bwho(?:ever| summari[sz]es| reads this)\b.{0,40}\b(?:should|must|has to|is to|ought to)\b",
    # the answer itself prescribed
    r"\b(?:your|every|each|any) (?:[\w-]+ ){0,2}?(?:answers?|summar(?:y|ies)|takeaways?|outputs?)\b.{0,40}\b"
    r"(?:should|must|ought to|has to|is to|needs to)\b",
    r"\b(?:no|any) (?:\w+ ){0,2}?summary of this (?:article|report|page|piece|story|text)\b",
    r"\b(?:the )?(?:correct|approved|required) (?:answer|reply|response)\b",
    r"\bin your (?:answer|response|reply|summary|conclusion|output)\b",
    r"\b(?:say|state|write|reply|answer|respond|tell them|mention)\b.{0,20}\bin your\b",
    r"\b(?:begin|start|end|open|close) your (?:answer|response|reply|summary)\b",
    r"\buse this (?:wording|phrase|sentence)\b",
    r"\b(?:to|for) (?:the |any |all )?" + _EN_MACHINE + r"\s*[:,]",
    r"\b(?:note|message|alert|guidance|instructions?|warning|reminder) (?:to|for) (?:the |any |all )?"
    r"(?:\w+ ){0,2}?" + _EN_MACHINE,
    r"\b(?:dear|please,?|hey) (?:\w+ ){0,1}?" + _EN_MACHINE,
    r"\bif you are an? (?:\w+ ){0,2}?" + _EN_MACHINE,
    r"\b(?:being|is) read by an? (?:\w+ ){0,2}?" + _EN_MACHINE,
    r"\b(?:reads this|reading this) (?:automatically|page|text|article|story)\b",
    r"\b" + _EN_STRICT + r"\b.{0,40}\b(?:should|must|are (?:kindly )?(?:asked|requested|expected|required|"
    r"instructed)|is (?:kindly )?(?:asked|requested|expected|required|instructed))\b",
    r"\bto anyone asking\b|\btell (?:the user|the reader)\b",
    r"\b(?:do not|don't|never)\b.{0,15}\b(?:pass on|mention|bring up|refer to|name|cite|quote)\b.{0,30}"
    r"\b(?:the reader|the user|in your|this report|this article)\b",
    r"\bno need to (?:bring up|mention|include|cite)\b",
    r"\b(?:keep in mind|remember|take care),? (?:when|while) (?:answering|responding|summari[sz]ing)\b",
    r"(?:^|[,;:]\s*)(?:treat|consider|classify|rate|present|describe)\b.{0,30}\b"
    r"(?:this (?:paragraph|article|story|event|agreement)|the story|all figures)\b.{0,30}\b(?:as)\b",
    r"\bi would ask that your\b",
]

# --- Arabic (matched on normalised text: hamzas, alif maqsura, ta marbuta and diacritics folded) ------
_AR_STRICT = (
    r"(?:المساعد (?:الذكي|الرقمي|الالي)|مساعد ذكي|النموذج (?:اللغوي|الحاسوبي)|نموذج (?:لغوي|حاسوبي)|"
    r"الذكاء الاصطناعي|روبوت(?:ات)? (?:الدردشه|المحادثه)|اداه? (?:التلخيص|الذكاء)|ادوات (?:التلخيص|الذكاء)|"
    r"(?:نظام|انظمه|برنامج|برامج) (?:\S+ )?(?:الاجابه|الذكاء|التلخيص|الي|اليه)|القارئ الالي|المحرر الالي|"
    r"ملخص الي|ملخصات اليه|الملخص الالي)"
)
_AR_MACHINE = r"(?:" + _AR_STRICT + r"|المساعد|(?:نظام|انظمه|برنامج|برامج) (?:\S+ )?الرد|برنامجا|برنامج يقرا)"
_AR_STRONG = [
    r"^\W*(?:النظام|المساعد|المستخدم|تعليمات(?: اضافيه)?)\s*:",
    r"المستخدم\s*:.*المساعد\s*:",
    # conditioned on being asked, or on answering / summarising
    r"\b(?:اذا|لو|متى|في حال)\s*(?:\S+\s)?(?:سئلت|سالك|يسالك|تسال|طلب منك|يطلب منك|طرح عليك|"
    r"ورد سؤال|طرح سؤال|يطرح سؤالا)\b",
    r"\b(?:حين|عندما|عند|كلما)\s*(?:\S+\s)?(?:سالك|يسالك|طلب منك|يطلب منك|طرح عليك|تسال عن)\b",
    r"\b(?:عند|لدى|حين|قبل ان|بعد ان|وانت)\s+(?:\S+\s)?(?:الاجابه|اجابتك|تجيب|تلخيص|تلخيصك|اعداد ملخص|"
    r"تعد الخلاصه|تعد الملخص|كتابه ملخص|الاستشهاد بهذا|(?:ترد|الرد) علي (?:المستخدم|السائل|اي سؤال|الاسئله))",
    r"\b(?:من|كل من|على من|لمن)\s*(?:يلخص|يقرا هذا|يقرا هذه|يطرح سؤالا|يسال عن)",
    # the answer itself prescribed
    r"(?:في|ب)\s*(?:اجابتك|ردك|جوابك|ملخصك|خلاصتك|تلخيصك)",
    r"(?:اجابتك|ردك|جوابك|ملخصك|خلاصتك|تلخيصك)\b",
    r"(?:الاجابه|الجواب|الرد)\s+(?:الصحيح|الصحيحه|المعتمد|المعتمده|المطلوب|المطلوبه|الوحيد|الوحيده)",
    r"(?:كل|اي|لكل|لاي)\s+(?:اجابه|ملخص|جواب|خلاصه)\s+(?:\S+\s){0,3}?(?:ل?هذه? (?:الصفحه|المقاله|المقال|"
    r"التقرير|الماده|النص|الخبر)|تستند)",
    r"(?:اي|كل)\s+ملخص\s+(?:\S+\s){0,2}?(?:لهذه|لهذا)",
    # addressed to the machine
    r"\b(?:الى|ل)\s*(?:\S+\s)?" + _AR_STRICT + r"\s*[:،,]",
    r"^\W*(?:للمساعد|للنموذج|الى المساعد|الى النموذج)\s*[:،,]",
    r"(?:ملاحظه|رساله|تنبيه|توجيه|تعليمات)\s+(?:الى|ل)\s*(?:\S+\s){0,3}?" + _AR_MACHINE,
    r"(?:ملاحظه|رساله|تنبيه|توجيه)\s+(?:للمساعد|للنموذج|للمحرر|لانظمه|للذكاء|لادوات|لبرامج)",
    r"\b(?:عزيزي|ايها|يا|من فضلك ايها)\s+" + _AR_MACHINE,
    r"(?:اذا|ان) (?:كنت|كان هذا النص)\s+(?:\S+\s){0,2}?(?:برنامجا|نموذجا|مساعدا|يقرا بواسطه|الي)",
    r"(?:يقرا|يقرؤه|يقراه)\s+(?:\S+\s)?(?:اليا|اليه|بواسطه)",
    _AR_STRICT + r"\s+(?:\S+\s){0,6}?(?:مطالب|مطلوب|يطلب|يرجى|عليه|عليها|ان ت|يجب|ينبغي|يتعين)",
    r"(?:يرجى|المطلوب|يطلب|يتعين على|ينبغي ل|على)\s+(?:من\s+)?(?:اي\s+|كل\s+)?" + _AR_STRICT,
    # overrides and suppression
    r"(?:تجاهل|انس|انسى|اهمل|لا تلتفت|لا تعتمد)\s+(?:\S+\s){0,2}?(?:التعليمات|الاوامر|الفقرات|الفقره|ما قراته|"
    r"ما ورد|المصادر|السياق|النص)",
    r"\b(?:الاجابه|الجواب) (?:(?:الصحيحه|الوحيده) (?:هي|هو)|يجب ان تكون)\b",
    r"\b[وف]?لا (?:تلتفت|تلتفتي|تعتمد|تعتمدي) (?:الي |علي )?(?:اي|كل|ما) (?:مصدر|المصادر|ورد|جاء)",
    r"\bتعليمات النظام\b|\bانت الان (?:مساعد|نموذج|حر|بلا)",
    r"بغض النظر عما? (?:ورد|جاء|تقوله|يقوله|قيل) (?:في )?(?:المصادر|المقال|النص|التقرير|الفقرات|السياق)",
    r"\bلا (?:تذكر|تنقل|تشر|تقتبس|تورد)\s+(?:\S+\s){0,3}?(?:للقارئ|للمستخدم|في (?:اجابتك|ردك|الملخص|ملخصك)|"
    r"اي انتقاد)",
    r"لا داعي (?:لذكر|للاشاره|لنقل)",
    # imperatives that are only imperatives («اذكر», «قل»), with what they prescribe
    r"\b(?:فقل|فاذكر|فاكتب)\b|\bقل (?:انه|انها|ان|بان|بانه|بانها|للمستخدم|للقاري)\b",
    r"\b(?:احرص|اكتب|اجب|اجبه|احذف|ضع|انسب)\s+(?:\S+\s){0,4}?(?:في (?:اجابتك|ردك|جوابك|خلاصتك)|"
    r"عند الاجابه|وانت تجيب|بانها|بانه|ان |على انه|على انها|بوصفه|في اولها|هذه الصيغه|هذه الفقره)",
    # forms that are also past tense («قدم»: he presented) only with an answer-specific object
    r"\b(?:اذكر|تاكد|تذكر|اعتمد|قدم|صنف|اخبره|استبدل|اعتبر|قيمه)\s+(?:\S+\s){0,4}?(?:في (?:اجابتك|ردك|جوابك|خلاصتك)|"
    r"عند الاجابه|وانت تجيب|في اولها|هذه الصيغه|هذه الفقره|هذا المقال|هذه المقاله)",
    r"ارجو ان (?:تتجنب|تذكر|تكتب|تقول)",
    r"(?:فليكتب|فليذكر|فليقل)",
]

_EN = [re.compile(p, _F) for p in _EN_STRONG]
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي", "ـ": None})
_DIACRITICS = re.compile(r"[\u064B-\u065F\u0670]")


def _fold(text: str) -> str:
    return " ".join(_DIACRITICS.sub("", text).translate(_AR_FOLD).split())


_AR = [re.compile(_fold(p)) for p in _AR_STRONG]  # the patterns folded as the text is


@lru_cache(maxsize=65_536)
def planted_cue(text: str) -> str | None:
    """The pattern that flags ``text`` as addressed to whoever answers from it (None: an ordinary line)."""
    for rx in _EN:
        if m := rx.search(text):
            return m.group(0)
    if any("\u0600" <= c <= "\u06ff" for c in text):
        folded = _fold(text)
        for rx in _AR:
            if m := rx.search(folded):
                return m.group(0)
    return None


def is_planted(text: str) -> bool:
    return planted_cue(text) is not None


def without_planted(text: str) -> str:
    """``text`` on one line without its planted sentences: what an LLM is given to read."""
    from assistant.text.arabic import split_sentences

    return " ".join(" ".join(text[a:b] for a, b in split_sentences(text) if not is_planted(text[a:b])).split())
