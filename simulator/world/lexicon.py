"""Word lists and patterns for the reply analyser, kept apart so coaches can read and extend them.

Every pattern is a plain regular expression matched case-insensitively against the reply after
`analysis` has normalised curly quotes to straight ones (one character for one, so match offsets
are offsets into the trainee's own text). Patterns are grouped by feature; the *logic* that
combines them (negation, "sorry, but ...", rhetorical questions, brush-offs) lives in
`simulator.analysis`, so a list here can grow without touching the rules.

Guideline for additions: prefer a phrase to a single word. Single words are where false
positives come from ("refund" in "we can't refund", "call" in "Did you call???", "ass" in
"class"), and the professional replies in tests/data/replies.yaml must stay clean.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    """A word list written as prose-like text, so coaches can add words without quoting each."""
    return frozenset(text.split())


# --- apologies --------------------------------------------------------------------------------
APOLOGY = (
    r"\bsorry\b",
    r"\bapolog(?:y|ies|i[sz]e[sd]?|i[sz]ing)\b",
    r"\bmy bad\b",
    r"\bthat(?:'s| is) on (?:us|me)\b",
    r"\b(?:our|my) (?:mistake|fault|error|bad)\b",
    r"\b(?:we|i) (?:really |totally )?(?:messed|screwed|slipped|mucked) up\b",
    r"\b(?:we|i) (?:dropped the ball|got (?:this|it|that) wrong|fell short|let you down)\b",
    r"\b(?:we|i) got (?:your|the|this|it|that) (?:\w+ )?wrong\b",
    r"\bwe should have (?:told|let|warned|been|caught|checked|done|sent)\b",
    r"\bforgive (?:us|me)\b",
    # A few non-English apologies so a Spanish or French reply is not read as cold.
    r"\b(?:lo sentimos|lo siento|disculp\w*|perd[oó]n\w*|d[ée]sol[ée]e?s?|excusez|"
    r"entschuldig\w*|tut (?:uns|mir) leid|ci scusiamo|scusa\w*|desculp\w*|sentimos muito)\b",
)
# "won't apologise" and friends are not apologies.
# Matched against the few words just before the apology word.
APOLOGY_NEGATED = r"\b(?:won't|will not|don't|do not|not going to|refuse to|no need to|never|nothing to)\s+(?:say\s+)?$"

# Conditional or feelings-directed "apologies" that put the problem on the customer.
NON_APOLOGY = (
    r"\b(?:sorry|apologi[sz]e|apologies|regret),? (?:that |if )?you(?:'re| are)? (?:feel|felt|think|thought|believe|perceive|see it)\w*",
    r"\bregret (?:that )?you (?:were|are|feel|felt|found|have been) (?:\w+ )?(?:dissatisfied|unhappy|upset|offended|disappointed|unsatisfied|let down)\b",
    r"\b(?:sorry|apologi[sz]e|apologies|regret) if\b",
    r"\b(?:sorry|apologi[sz]e|apologies|regret) (?:that )?(?:you|anyone) (?:was|were|are|is|felt) offended\b",
    r"\bsorry (?:that )?you(?:'re| are| were) (?:so )?(?:upset|unhappy|offended|angry|annoyed)\b",
    r"\b(?:sorry|apologi[sz]e|apologies) for any confusion\b",
    r"\bsorry,? not sorry\b",
    r"\bmistakes were made\b",
    r"\bsorry (?:that )?(?:that's|this is) how you see it\b",
)
# Words after an apology that turn it into "sorry, but it's your fault" when blame/argue follows.
APOLOGY_BUT = r"\b(?:but|however|though|although|that said|having said that)\b"

# --- empathy ----------------------------------------------------------------------------------
_ADV = r"(?:such an? |so |really |very |incredibly |super |truly |definitely |absolutely |completely |totally |quite |genuinely )?"
EMPATHY = (
    r"\b(?:i|we) (?:completely |totally |fully |really |absolutely |definitely |certainly |do |can |can certainly |can totally )?understand\b",
    r"\bunderstandabl[ey]\b",
    r"\b(?:i|we) (?:can )?(?:only )?(?:imagine|see) (?:how|why|that|what)\b",
    r"\b(?:i|we) hear you\b",
    r"\b(?:i|we) (?:totally |completely )?get (?:it|that|why)\b",
    r"\b(?:i|we) know how\b",
    r"\b(?:i|we)(?:'d| would) (?:be|feel) (?:\w+ )?(?:frustrated|annoyed|upset|angry|mad|furious|disappointed)\b",
    r"\b(?:that|this|it)(?:'s| is| must be| sounds| sound| was| must have been| seems| looks)(?: like)? (?:an? )?"
    + _ADV
    + r"(?:frustrating|annoying|disappointing|stressful|upsetting|awful|terrible|rough|horrible|"
    r"maddening|infuriating|worrying|scary|no fun|not (?:ok|okay|acceptable|good enough|great|fun)|"
    r"unacceptable|no good|not on)\b",
    r"\bnot the (?:experience|service|standard|welcome) (?:we|you)\b",
    r"\b(?:isn't|is not|wasn't|was not) the (?:standard|experience|service) (?:we|you)\b",
    r"\b(?:sorry|sad|gutted|disappointed|upset) to (?:hear|see|read|learn)\b",
    r"\b(?:you're|you are|you have every) (?:absolutely |completely |totally )?(?:right|entitled|reason) to (?:be|feel) "
    r"(?:\w+ )?(?:upset|frustrated|annoyed|angry|disappointed|cross|let down)\b",
    r"\bevery (?:right|reason) to be\b",
    r"\bthat(?:'s| is) not how (?:it|they|this|that|the \w+|your \w+) (?:should|is supposed to)\b",
    r"\bare no fun\b|\bis no fun\b",
    r"\b(?:we|i)(?:'d| would) hate (?:for )?(?:you|that)\b",
    r"\bhow (?:frustrating|annoying|stressful|disappointing|upsetting)\b",
    r"\bthat(?:'s| is) (?:not|no) (?:what|how) (?:you|we) (?:expected|want|wanted|should)\b",
)

# --- thanks -----------------------------------------------------------------------------------
THANKS = (
    r"\bthank(?:s|\s+you|\s+u|\s+ya)\b",
    r"\bthx\b",
    r"\b(?:we|i) (?:really |truly |do |greatly |so |very much )?appreciate\b",
    r"\b(?:we're|we are|i'm|i am) (?:so |very |really )?grateful\b",
    r"\b(?:muchas )?gracias\b|\bmerci\b|\bdanke\b|\bgrazie\b|\bobrigad[oa]\b",
)
THANKS_NOT = r"\b(?:thanks for nothing|no,? thanks|thanks,? but no thanks|thanks a lot,? (?:genius|pal|buddy))\b"

# --- arguing / contradicting --------------------------------------------------------------------
ARGUE = (
    # "actually" contradicts at the head of a sentence or after "but/well/no"; elsewhere it is
    # usually an intensifier ("they actually hurt"), so it is not counted there.
    r"(?:^|[.!?]\s+|\b(?:but|well|no|um|uh|erm),?\s+)actually\b",
    r"\b(?:that|it|this|which)(?:'s| is| was| does| did) actually\b(?! (?:fixed|resolved|sorted|in stock|available|been))",
    r"\b(?:that|this|it)(?:'s| is| was) (?:simply |just |absolutely |completely |totally |plainly )?"
    r"(?:not true|untrue|false|incorrect|inaccurate|not the case|not correct|not accurate|misleading|"
    r"not how (?:it|this|that) works)\b",
    r"\bnot true\b",
    r"\byou(?:'re| are) (?:simply |just |completely |totally |clearly |obviously )?"
    r"(?:wrong|mistaken|incorrect|misinformed|misremembering)\b",
    r"\bas (?:we|i)(?:'ve| have)? (?:already |previously )?(?:said|stated|mentioned|explained|told you|noted|pointed out)\b",
    r"\blike (?:we|i)(?:'ve)? (?:already )?(?:said|told you|mentioned)\b",
    r"\bas (?:previously|already) (?:stated|mentioned|explained)\b",
    r"\b(?:we|i)(?:'ve| have) already (?:answered|explained|told|responded|replied|addressed)\b",
    r"\bwe(?:'ve| have) answered (?:you|this)\b",
    r"\bit(?:'s| is) not really\b",
    r"\bnot really (?:representative|accurate|true|fair)\b",
    r"\b(?:nobody|no one|no-one) else\b",
    r"\b(?:it|this|the \w+) works (?:fine|perfectly|for everyone)\b",
    r"\bworks for everyone else\b",
    r"\bwith all due respect\b",
    r"\bnot (?:our|my) (?:problem|fault|issue|responsibility|concern)\b",
    r"\b(?:our|the) (?:policy|terms|rules?|sign|label) (?:is|are) (?:very |quite |perfectly |crystal |pretty )?clear\b",
    r"\bclearly (?:states?|stated|says|said|marked|labell?ed|written|explained|mentioned|shown|displayed)\b",
    r"\b(?:our|the) records (?:show|indicate|confirm)\b",
    r"\b(?:did nothing wrong|followed (?:the )?(?:correct |proper |right )?(?:procedure|protocol|policy|process))\b",
    r"\b(?:what|wtf|what the \w+) are you (?:even )?talking about\b",
    r"\bit(?:'s| is) (?:just|only) an?\b",
    r"\b(?:busy everywhere|happens everywhere|happens to everyone|that's just how it is)\b",
    r"\beveryone knows\b",
    r"\bi doubt (?:that|they|it|you|our|this|very much)\b",
    r"\bit(?:'s| is) (?:just |only )?(?:an? )?(?:free|cheap|\$\d+(?:\.\d\d)?|\u00a3\d+(?:\.\d\d)?)\b",
    r"^\W*seriously\?",
    r"\bwhat (?:did |do )?you expect(?:ed)?\b",
    r"\b(?:it was|it's|it is|that was|that's) (?:all )?(?:in|on) (?:the|our) (?:terms|label|description|policy|website|listing|box|email|receipt|menu)\b",
    r"\bget your facts straight\b|\blies about us\b|\bspreading lies\b",
    r"\b(?:we|i) never (?:sold|said|promised|offered|agreed|told|sent|charged|claimed)\b",
    r"\bto be fair\b|\b(?:out of|beyond) our control\b",
)

# --- blaming the customer -----------------------------------------------------------------------
BLAME = (
    r"\bdid you (?:even |actually |really |ever |not |bother (?:to )?)?(?:read|call|bother|think|notice|pay attention|listen)\b",
    r"\bdid you (?:even|actually|really|bother|ever) \w+",
    r"\bhave you (?:even |ever )?(?:tried|thought about|considered) (?:reading|looking|checking|following|using)\b",
    r"\byou (?:should|could)(?:'ve| have)\b",
    r"\byou(?:'d| would) (?:know|have known|have seen|have noticed|understand)\b",
    r"\bif you(?:'d| had| would have| have) (?:\w+ ){0,2}(?:read|checked|followed|called|looked|chosen|"
    r"ordered|paid attention|listened|bothered|registered|updated|waited|kept)\b",
    r"\b(?:user|operator|customer) error\b|\bpebkac\b",
    r"\b(?:problem|issue|fault|error) (?:is )?(?:probably |clearly |obviously |likely )?on your (?:end|side)\b",
    r"(?<!not )(?<!n't )(?<!never )(?<!no )\byour (?:own )?(?:fault|mistake|error)\b",
    r"\b(?:an? )?you problem\b",
    r"\byou must have (?:\w+ ){0,2}(?:wrong|incorrectly|improperly|broken|dropped|misused)\b",
    r"\byou (?:installed|used|set up|stored|washed|charged|assembled|did|plugged) (?:it|them|this) (?:in )?(?:wrong|incorrectly|improperly)\b",
    r"\bwhen used (?:correctly|properly|as directed)\b",
    r"\b(?:no one|nobody) (?:forced|made) you\b",
    r"\byou agreed to\b|\byou accepted (?:the|our) terms\b",
    r"\bwhy (?:didn't|did not|don't|do not|would|wouldn't|did|won't|can't) you\b",
    r"\bread(?:ing)? (?:the|our) (?:\w+ )?(?:label|manual|instructions|sign|terms|policy|fine print|description|box)\b",
    r"\bbefore (?:posting|complaining|ordering|buying|commenting|tweeting)\b",
    r"\b(?:try|tried|trying) (?:plugging|turning|switching) it (?:in|on)\b",
    r"\bnext time,? (?:\w+ ){0,2}(?:try|read|check|order|call|make sure|remember|please)\b",
    r"\blike everyone else\b",
    r"\bare you sure (?:that )?you\b",
    r"\bthat(?:'s| is) on you\b",
    r"\byou (?:weren't|were not) (?:home|in|there|available|around)\b",
    r"\bif you can(?:'t|not) (?:handle|afford|read|follow|wait)\b",
    r"\b(?:it was|it's|it is|that was|that's) (?:all )?(?:in|on) (?:the|our) (?:terms|label|description|policy|website|listing|box|email|receipt|menu)\b",
    r"\bget your facts straight\b",
    r"\bclearly (?:states?|stated|says|said|marked|labell?ed|written|explained|mentioned|shown|displayed)\b",
    r"\b(?:our|the) (?:policy|terms|rules?|sign|label) (?:is|are) (?:very |quite |perfectly |crystal |pretty )?clear\b",
    r"\byou (?:didn't|did not|failed to|forgot to|neglected to|never) (?:read|follow|check|register|call|update|pay attention|bother|listen)\b",
    r"\bnot rocket science\b|\bnot that (?:hard|difficult|complicated)\b",
    r"\bthe first (?:person|customer|one) (?:ever )?to\b",
    r"\bare you (?:stupid|blind|dumb|illiterate)\b",
    r"\b(?:says|said|states|written|printed) (?:right |clearly )?(?:on|in) the (?:box|label|package|packaging|manual|website|site|receipt|sign|menu|instructions)\b",
)
# "Did you check/try ...?" is an honest troubleshooting question unless it is shouted ("???").
BLAME_IF_SHOUTED = r"\bdid you (?:check|try|look|see|ask|test|restart)\b"

# --- sarcasm ------------------------------------------------------------------------------------
SARCASM = (
    r"\b(?:wow|oh|gee|well),? (?:\w+ )?(?:great|nice|good|brilliant|wonderful|fantastic|amazing|awesome|excellent|smart) "
    r"(?:job|work|one|going|idea|effort|move)\b",
    r"\b(?:great|nice|good|brilliant|fantastic|amazing|awesome|excellent) (?:job|work) \w+ing\b",
    r"\b(?:brilliant|genius|great|bright) idea\b",
    r"\bgood one\b",
    r"\bcongrat(?:s|ulations)\b(?! on (?:your |the )?(?:new (?:home|baby|job|house)|wedding|graduation|engagement|"
    r"promotion|anniversary|birthday|retirement))",
    r"\b(?:lol|lolol|lmao|lmfao|rofl|roflmao|haha\w*|hehe\w*|lulz)\b",
    r"\bmaybe (?:you (?:should|could) )?(?:try|read|check|consider)\b",
    r"\bgood luck (?:with that|finding)\b",
    r"\bnice try\b",
    r"\bbless your (?:heart|soul)\b",
    r"\bsure,? (?:jan|buddy|pal|thing,? (?:buddy|pal))\b",
    r"\bwhatever you say\b",
    r"\bcool story\b",
    r"\bok(?:ay)?,? boomer\b",
    r"\bsorry,? not sorry\b",
    r"\byeah,? right\b",
    r"\bhow will you (?:ever )?(?:survive|cope|manage)\b",
    r"\ba whole \w+ (?:minutes?|hours?|days?|seconds?)\b",
    r"\bimagine (?:complaining|being|thinking|getting|not|expecting)\b",
    r"\boh sure\b",
    r"\bbecause we (?:love|enjoy|adore|just love)\b",
    r"\bwho knew\b",
    r"\bshocking,? i know\b",
    r"\bthanks for nothing\b",
    r"\bthanks for the (?:essay|novel|lecture|rant|life story|speech|sermon)\b",
    r"\byou (?:really |sure )?(?:showed|told) us\b",
    r"\benjoy (?:shopping|eating|flying|banking|driving|staying|your \w+) (?:elsewhere|somewhere else)\b",
    r"(?:^|\s)/s\b",
    r"[\U0001F644\U0001F643\U0001F612\U0001F921\U0001F485\U0001F60F\U0001F602\U0001F923]",
    r",\s*(?:genius|einstein|sherlock|smart guy|smartypants)\b",
)

# --- insults, contempt and condescension ----------------------------------------------------------
INSULT = (
    r"\b(?:idiot(?:s|ic)?|stupid(?:ity)?|dumb|moron(?:s|ic)?|imbecile|cretin|clueless|pathetic|loser|clown|"
    r"muppet|numpty|buffoon|dimwit|halfwit|nitwit|dunce|ignorant|karen|trolls?|trolling|crybaby|cry-baby|"
    r"whiner|snowflake|drama queen|hysterical|lunatic|nutjob|nutcase|psycho|liars?|scammer|freeloader|"
    r"cheapskate|brat|(?<!knee-)(?<!knee )jerk|retarded)\b",
    r"\bentitled\b(?! to)",
    r"\bwhin(?:e|ing)\b(?! (?:noise|sound))",
    r"\b(?:you people|get a life|grow up|shut up|go away|calm down|chill out|get over it|nobody cares|no one cares|"
    r"who cares|couldn't care less|could not care less|learn to read|can't you read|can you not read|"
    r"use your (?:brain|head)|even a child|too (?:complicated|hard|difficult) for you|who gives a)\b",
    r"\b(?:don't|do not|doesn't|does not) give a\b",
    r"\b(?:we|i) (?:don't|do not) care\b",
    r"\bnot rocket science\b",
    r"\b(?:perhaps|maybe) (?:our \w+|we|this \w+) (?:isn't|aren't|is not|are not) (?:\w+ )?for you\b",
    r"^\W*whatever\b",
    r"\bheard it all before\b",
    r"\blies about us\b|\bspreading lies\b",
    r"\bare you (?:stupid|blind|dumb|illiterate|high|drunk)\b",
    r"\bsome people (?:will |just |always )?(?:complain|whine|moan)\b",
    r",\s*(?:sweetie|sweetheart|honey|hun|hon|darling|buddy|pal|champ|genius|einstein|sherlock|smart guy|"
    r"smartypants|princess|my dear)\b",
    r"\b(?:screw you|go to hell|kiss my|up yours|bite me|piss off|bugger off|sod off|get lost|shove it)\b",
    r"\bf(?:u|\*|#|@|!|\$|%|-)[\w*#@!$%-]*\s+off\b",
)

# --- profanity ----------------------------------------------------------------------------------
PROFANITY = (
    r"\b(?:motherf\w+|f+u+c+k+\w*|f(?:ck|k|uk|kn)(?:ing|in|ed|er|s)?|eff(?:ing|in)|"
    r"sh[i]+t+(?:s|ty|ting|ted|head|show|hole)?|bullshit|horseshit|"
    r"damn(?:ed|it|n)?|dammit|goddamn\w*|god damn|hell|"
    r"(?:dumb|jack|smart|bad|fat|lazy|hard|half|wise|kick|kiss my) ?-?ass(?:es)?|ass(?:hole|holes|hat|hats|wipe)?|"
    r"arse(?:hole)?s?|bitch\w*|bastard\w*|crap(?:py|s)?|piss(?:ed|es|ing)?|dick(?:head|s)?|cock(?:s|sucker)?|"
    r"cunts?|twats?|wank\w*|bollocks|bloody|bugger|prick|slut\w*|whore\w*|wtf|ffs|stfu|omfg|jfc)\b",
)
# Phrases that contain a listed word but are not swearing (the Scunthorpe problem). Word
# boundaries already keep "Scunthorpe", "assess", "class", "Hancock" and "cocktail" clean.
PROFANITY_WHITELIST = (
    r"\bhell's kitchen\b",
    r"\bdick's sporting goods\b",
    r"\bmoby dick\b",
    r"\b(?:philip k\.? )?dick's novels?\b",
    r"\bbloody (?:mary|nose|marys)\b",
    r"\bfinger ?prick\b",
    r"\bhell (?:or high water)\b",
)
# Roots a masked word ("f***", "sh!t", "a$$") may stand for; matched whole after unmasking.
MASKED_ROOTS = (
    "fuck",
    "fucking",
    "fuckin",
    "fucked",
    "fucker",
    "fucks",
    "shit",
    "shitty",
    "bullshit",
    "ass",
    "asshole",
    "arse",
    "arsehole",
    "bitch",
    "bitches",
    "bastard",
    "damn",
    "dammit",
    "crap",
    "cunt",
    "dick",
    "cock",
    "piss",
    "pissed",
    "prick",
    "twat",
    "wank",
    "wanker",
    "hell",
    "bollocks",
    "slut",
    "whore",
)
# Characters people use to mask a letter, and the letter they usually stand for.
MASK_LEET = {
    "@": "a",
    "$": "s",
    "!": "i",
    "1": "i",
    "0": "o",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
}
MASK_WILD = frozenset("*#%_")

# --- shouting -----------------------------------------------------------------------------------
ACRONYMS = _words(
    """
    FAQ FAQS DM DMS PM AM ID IDS PIN URL USB GPS SMS API OK ETA ASAP FYI TV PC HR IT CEO CFO UK US USA
    EU UN NHS ATM QR PDF VIP SKU RMA TBD TBC AKA DIY BBQ HQ NYC LA SF UPS DHL USPS FEDEX TNT EMS VAT GST
    HST TSA FAA IRS DMV BTW IMO IMHO FWIW TLDR WTF FFS STFU OMG OMFG LOL LMAO ROFL PS NFC LTE WIFI SIM
    ISP VPN DNS IP HTTP HTTPS WWW UTC GMT EST PST CET BST AEST RSVP PTO EOD COB NB MD PHD MBA BA BSC AC
    DC HVAC LED LCD CD DVD AI ML CRM ERP KFC IKEA LEGO ASOS NASA HSBC BMW VW GM UEFA FIFA NFL NBA MLB
    NHL BBC CNN ABC NBC CBS ESPN HBO MTV RBS TSB EE BT UA BA AA EA XL XXL XS SUV RV ATV SSN DOB ZIP POS
    ID'S ER ICU GP MOT ABS CPU GPU RAM SSD HDD HDMI NHS111 PDT EDT CST CDT MST MDT AWS SQL CSV XML JSON
    FAQ'S UAE IBAN BIC PAYE EMI APR
    """
)
# Short words that are only ever capitalised when someone is raising their voice.
SHOUT_SHORT = _words(
    """
    THE AND YOU YOUR ARE NOT NO YES STOP READ THIS THAT WHAT WHY HOW WHO DID DO DOES WE OUR IS WAS
    WERE HAS HAVE HAD WILL CAN JUST NOW ALL EVER EVEN ONLY VERY REAL SO TOO MY ME HE SHE THEY THEM HIM
    HER HIS ITS BE BEEN GET GOT GO WENT SEE LOOK CALL ASK WANT NEED SAY SAID TELL TOLD ONE ANY SOME
    MORE LESS MOST MUCH MANY OUT OFF ON IN AT OF TO FOR FROM WITH BY UP DOWN OVER BACK HERE THERE THEN
    THAN WHEN ELSE WELL GOOD BAD BEST FIX HELP DONE MAKE MADE SURE TRUE WAIT LATE LOST LOVE HATE CARE
    FAIR FREE PAID PAY TIME DAYS WEEK OPEN SHUT ALSO STILL YET MUST WAY SIR GUYS DUDE LIKE KNOW GIVE
    NEXT LAST EVERY NEW OLD BIG HUGE SAME RULE BOX SIGN DEAR OH AGAIN WHERE NICE GREAT WOW HEY HI
    """
)

# --- questions --------------------------------------------------------------------------------
# Questions that do not ask the customer anything: rhetorical, mocking or blaming.
RHETORICAL = (
    r"^\W*(?:are you (?:serious|kidding|stupid|sure|joking)|really|seriously|what did you expect|"
    r"who (?:does|would|cares|gives|knew)|why (?:would|didn't|did|don't|do|wouldn't|won't|can't) you|"
    r"how hard is it|can't you|don't you|isn't it obvious|what's your problem|anything else|"
    r"how will you|what more do you want|what do you want (?:us|me) to do|is that (?:so )?hard|"
    r"do you (?:even|really think|honestly))\b",
)
# Asking for information without a question mark.
ASK = (r"\b(?:let (?:us|me) know|tell (?:us|me)) (?:which|what|when|where|how|who|whether|more)\b",)

# --- solution ---------------------------------------------------------------------------------
SOLUTION = (
    # things we did
    r"\b(?:we|i)(?:'ve| have) (?:\w+ ){0,2}(?:fixed|sent|shipped|refunded|credited|replaced|reissued|rebooked|"
    r"reset|restored|applied|added|cancell?ed|canceled|reversed|waived|moved|upgraded|updated|dispatched|"
    r"arranged|booked|issued|resolved|corrected|repaired|removed|reimbursed|swapped|exchanged)\b"
    r"(?! (?:you )?(?:a |an )?(?:dm|pm|direct message|private message|message|email|e-mail)\b)",
    # things that have been done
    r"\b(?:has|have|is|was|will be|should be|been|are)(?: now| just| already)? (?:been )?(?:fixed|resolved|restored|"
    r"repaired|refunded|reversed|processed|dispatched|shipped|reissued|issued|credited|replaced|rebooked|"
    r"corrected|applied|updated|cancell?ed|waived|booked|reimbursed)\b",
    r"\b(?:refunded|refunding|reimbursed|rebooked|reshipp\w+|resen[dt]\w*)\b",
    # things we will or can do
    r"\b(?:we|i)(?:'ll| will| can| could|'d like to| would like to| are going to|'re going to| are|'re| am|'m|'d be glad to|"
    r"'d be happy to| would be happy to) (?:\w+ ){0,2}(?:ship|send(?:ing)?|replac\w+|refund\w*|fix|repair|credit|"
    r"rebook|swap|honou?r|waive|cover|reimburse|exchange|upgrade|reship|resend|offer you|arrange|extend|courier|deliver|"
    r"get (?:a|the right|you a|a new|your (?:new|replacement))|put you first)\b"
    r"(?! (?:you )?(?:a |an )?(?:dm|pm|direct message|private message|message|email|e-mail)\b)",
    r"\b(?:issue|process|offer|give|send|get) (?:you )?(?:a |the |your )?(?:full |partial )?refund\b",
    r"\b(?:a|your) (?:full |partial )?refund (?:has|have|was|is|will be) (?:been )?(?:issued|processed|sent|approved|on its way)\b",
    r"\brefund (?:you|the|your|this|it)\b",
    r"\b(?:a |your )?(?:full |partial )?refund or (?:a )?replacement\b|\breplacement or (?:a )?refund\b",
    r"\bwaiv(?:e|ed|ing)\b",
    r"\b(?:like|prefer|want) (?:a |us to |me to )?(?:\w+ ){0,2}(?:refund|replacement|exchange|credit|fresh \w+|new \w+)\b",
    r"\b(?:knocked|taken|take|took) (?:\w+ ){0,3}off (?:your|the) (?:bill|order|price|invoice|fare)\b",
    r"\b(?:will|'ll) (?:\w+ )?(?:courier|deliver|reship|resend|refund|replace|repair|reinstate|reactivate|unlock|extend|rebook)\b",
    r"\b(?:new one|replacement|new \w+|fresh \w+|refund) (?:is|are) (?:already )?(?:on (?:its|their) way|in the post|being sent)\b",
    r"\b(?:is|are|'s) (?:now )?working again\b|\bback (?:up and running|online)\b",
    r"\bfree of charge\b|\bon the house\b",
    r"\b(?:order|parcel|package|item|replacement)\w* (?:has |is )?(?:shipped|on (?:its|the) way|out for delivery)\b",
    r"\btracking (?:link|number|details)\b",
    r"\b(?:try|trying) (?:clearing|restarting|reinstalling|updating|resetting|logging|rebooting|reopening|"
    r"signing|turning it off|switching it off|unplugging)\b",
    r"\bplease (?:restart|update|reinstall|clear|reset|unplug)\b",
    r"\b(?:update|restart|reinstall|force-close|force close|kill|close and reopen) the app\b",
    r"\bforce-?close\b",
    r"\b(?:fix|patch|update)\b[^.!?]{0,40}\b(?:is|are) (?:now )?(?:live|out|available|rolling out|going live)\b",
    r"\bthe latest (?:\w+ )?update\b",
    r"\bjust (?:press|click|tap|hold|restart|unplug)\b",
    r"\b(?:set up|arrange|book|schedule) (?:a |the |your )?(?:repair|engineer|technician|replacement|collection|pick-?up|return)\b",
    r"\bin stock\b",
)
# Noun triggers count only when the clause also shows that something was or will be done.
SOLUTION_NOUNS = (
    r"\b(?:credit|voucher|coupon|discount|compensation|gift card|goodwill|bonus (?:miles|points)|"
    r"lounge pass\w*|upgrade|complimentary \w+|free \w+)\b(?! card)",
)
SOLUTION_NOUN_ACTION = (
    r"\b(?:added|applied|sent|issued|reissued|offer|offered|give|given|credited|here's|here is|we've|i've|"
    r"we'll|i'll|we can|i can|would|enjoy)\b"
)
NEGATORS = (
    r"\b(?:not|no|never|can't|cannot|can not|unable|won't|wouldn't|don't|doesn't|didn't|isn't|aren't|wasn't|"
    r"couldn't|nor|without|expired|ended)\b"
)
CLAUSE_BREAK = r"[,;:\u2014\u2013]|\s-\s|\b(?:but|however|although|though|whereas|instead)\b"

# --- moving private -----------------------------------------------------------------------------
PRIVATE_MOVE = (
    r"\b(?:dms?|direct messages?|private messages?|privately|in private)\b",
    r"(?<!\d )(?<!\d)\bpm\b",
    r"\binbox (?:us|me)\b|\bour inbox\b",
    r"\b(?:take|taking|move|moving) (?:this|it|the conversation|things) (?:offline|private)\b",
    r"\b(?:e-?mail|message|contact|write to|reach|reach out to|ping|call|phone|ring|text) (?:us|me|"
    r"our (?:\w+ )?(?:team|support|agents?|store|helpline|hotline|care team|customer (?:care|service|support)(?: team)?))\b",
    r"\bcontact (?:our )?customer (?:service|care|support|relations)\b",
    r"\b(?:by|via|over|through) (?:e-?mail|phone|the phone|telephone)\b",
    r"\b(?:your|an?) (?:e-?mail address|phone number|contact (?:details|number|info(?:rmation)?))\b",
    r"\b[\w.+-]+@[\w-]+\.[a-z][\w.]*\b",
    r"\b(?:1-)?(?:800|888|877|866|855|0800|0808|0300|0345)[\s-]?\d{3}[\s-]?\d{3,4}\b",
    r"\bgive (?:us|me) a (?:call|ring|shout)\b",
    r"\b(?:we|i|a specialist|someone|a manager|our team|an agent)(?:'ll| will| can| could) (?:call|phone|ring|email|e-mail) you\b",
    r"\blive chat\b|\bchat with us\b",
)
# Signs that the private move leads somewhere ("... so we can sort it out").
NEXT_STEP = (
    r"\bso (?:that )?(?:we|i|a manager|our team|someone|the team|a specialist|they) (?:can|could|will)\b",
    r"\b(?:and|so) (?:we|i)(?:'ll| will| can)\b",
)

# --- promises ---------------------------------------------------------------------------------
PROMISE = (
    r"\b(?:i|we)(?:'ll| will| shall)\b(?! (?:not|never|see)\b)",
    r"\b(?:i|we)(?:'re| are|'m| am) going to\b",
    r"\b(?:i|we) promise\b|\bguarantee\b",
    r"\bwill be (?:in touch|back|with you|shipped|sent|dispatched|delivered|refunded|fixed|repaired|resolved|"
    r"in contact|reaching out|calling)\b",
    r"\b(?:you'll|you will) (?:receive|get|hear|see|have)\b",
    r"\bshould (?:arrive|reach|show|land|appear|be (?:in|with|there|repaired|back|fixed|delivered|sorted))\b",
    r"(?<!caused )\b(?:by|before) (?:tomorrow|tonight|today(?!'s)|monday|tuesday|wednesday|thursday|friday|saturday|sunday|noon|"
    r"midday|the end of (?:the )?(?:day|week)|eod|close of business|this (?:afternoon|evening)|"
    r"\d{1,2}(?::\d\d)? ?(?:am|pm))\b",
    r"\bwithin (?:the hour|(?:the next )?(?:\d+|an?|one|two|three)(?:-\d+)? (?:minutes?|hours?|days?|working days|business days))\b(?! (?:of|from) (?:purchase|delivery|receipt|the date))",
    r"\b(?:is|are) (?:scheduled|booked|due) (?:for|to)\b",
    r"\b(?:starting|from) (?:tomorrow|today|monday|next week)\b",
    r"\b(?:is|are) (?:going live|rolling out|launching|adding|coming)\b[^.!?]{0,30}\b(?:today|tonight|tomorrow|"
    r"next \w+|this \w+|soon|shortly)\b",
    r"\b(?:we|i)(?:'re| are|'m| am) \w+ing\b[^.!?]{0,40}\b(?:today|tonight|tomorrow|this week|next week|"
    r"this afternoon|this evening|right away)\b",
    r"\b(?:get|send|ship|have|sort|fix|resolve) (?:\w+ ){0,4}(?:today|tonight|tomorrow|right away|this week|asap)\b",
    r"\blet me (?:check|look|find out|see what|get|sort|fix|chase)\b",
    r"\b(?:we|i)(?:'d| would) be (?:glad|happy|delighted) to\b",
    r"\ba member of (?:our|the) team will\b",
    r"\b(?:team|manager|engineer|technician|driver|someone|specialist|colleague|agent|courier|they)(?:'ll| will)\b(?! not| never)",
    r"\bexpects? (?:it|them|this|that|your \w+) to be\b",
    r"\b(?:in|for|with) the next (?:release|update|version|build)\b",
    r"\b(?:re)?booked (?:it |you |this )?(?:in )?for (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|next)\b",
)

# --- saying no ----------------------------------------------------------------------------------
REFUSAL = (
    r"\b(?:we|i)(?: really| absolutely| simply)?(?: can't| cannot| can not| won't be able to| will not be able to|"
    r" are unable to| am unable to|'re unable to|'m unable to| are not able to|'re not able to| won't| will not)\b"
    r"(?! (?:wait|hesitate|stop|forget|thank|rest))",
    r"\b(?:we|i) (?:do not|don't) (?:offer|do|provide|accept|allow|refund|price match|give|comment|issue|ship|"
    r"deliver|cover|make exceptions)\b",
    r"\b(?:isn't|is not|aren't|are not) (?:possible|available|eligible|something we can)\b",
    r"\bno longer (?:able|possible|available)\b",
    r"\b(?:doesn't|does not) cover\b",
    r"\b(?:the )?decision is final\b|\bfee stands\b",
    r"\brefunds are only\b",
    r"\b(?:all )?(?:sales|decisions?) (?:are|is) final\b",
    r"\bnothing (?:more |else )?(?:we|i) can do\b",
    r"\b(?:refunds?|returns?|exchanges?) (?:still )?(?:aren't|are not|isn't|is not|won't be) (?:happening|possible|available|an option)\b",
    r"\bwindow (?:has )?closed\b",
    r"\bunfortunately,? (?:we|i) (?:can't|cannot|are unable|am unable|won't)\b",
)

# --- form letters -------------------------------------------------------------------------------
FORM_LETTER = (
    r"\bwe value your (?:feedback|business|custom|comments?|input|opinion)\b",
    r"\byour (?:feedback|call|business|satisfaction|comments?|opinion|custom) (?:is|are) (?:very )?"
    r"(?:important|valuable|valued)\b",
    r"\b(?:please )?contact (?:our )?customer (?:service|care|support)(?: team)?\b",
    r"\bcontact our (?:\w+ )?(?:care|support|service) team\b",
    r"\b(?:apologi[sz]e|sorry|regret) for any (?:inconvenience|trouble|issues?|disappointment)"
    r"(?: (?:this|that|it) may have caused(?: you)?| caused)?\b",
    r"\bthank(?:s| you) for (?:reaching out|contacting us|your (?:feedback|comment|message|enquiry|inquiry|patience|"
    r"understanding)|bringing this to our attention)\b",
    r"\bwe strive to\b",
    r"\bwe take (?:\w+ ){0,3}(?:very )?seriously\b",
    r"\bwe are committed to\b",
    r"\bvalued customers?\b|\bdear (?:valued )?customer\b",
    r"\b(?:please )?(?:refer to|see|check|visit|follow) (?:our|the) (?:faq|website|site|terms|help (?:centre|center|page)|"
    r"policy|terms and conditions|support page)\b",
    r"\b(?:passed|forwarded|shared|escalated)(?: (?:on|this|it|your \w+))* (?:to|with) the (?:relevant|appropriate|"
    r"right|correct) (?:team|department|people)\b",
    r"\b(?:has|have) been (?:escalated|noted|logged|passed on|forwarded|passed to)\b",
    r"\bwe(?:'ll| will) look into (?:it|this|that)\b",
    r"\bpass(?:ed)? (?:your|this|these|it) (?:\w+ )?(?:on|along)\b",
    r"\bfor (?:further|more) (?:assistance|information|details|help)\b",
    r"\b(?:is|are) our (?:top |number one |highest |first )?priority\b",
    r"\bvia (?:our|the) website\b",
    r"\bat your earliest convenience\b",
    r"\ba member of (?:our|the) team will\b",
    r"\bnothing further to add\b",
)
# Vocabulary of boilerplate; words outside it count as "specific detail" for form_letter.
GENERIC_WORDS = _words(
    """
    thank thanks reaching reach contact contacting customer customers service services team teams please
    sorry apologize apologise apologies apology inconvenience value valued important experience strive
    provide best department relevant appropriate passed pass forwarded shared concern concerns seriously
    complaint complaints comment comments message messages member touch patience escalated website check
    refer terms conditions information further assistance earliest convenience feedback caused have been
    will with your this that these those they them their there here from into about would could should
    hear heard look looking take taken taking care support help happy glad kind kindly regards best wishes
    note noted logged issue issues problem problems matter matters everyone anyone someone something
    nothing anything more most much many very really just also again soon possible available follow
    regarding concerning enquiry inquiry understanding bringing attention committed valuable opinion
    input business custom satisfaction call calls phone email dm dms inbox hello dear there theirs ours
    page site visit faq terms policy again future hope hoping trust assure assured sincerely regret
    """
)

# --- personalisation ----------------------------------------------------------------------------
# The greeting is case-insensitive, the name must be capitalised ("Hi Grace", not "hi there").
GREETING_NAME = r"^\W*(?i:hi|hey|hello|dear|thanks|thank you|sorry|hiya|morning|evening)[,!]?\s+([A-Z][a-z]{1,20})\b"
NOT_NAMES = _words(
    "there team all everyone folks friend friends guys again so for sir madam both you"
)
STOPWORDS = _words(
    """
    a an the and or but if then than so to of in on at by for from with about as into over after before
    is are was were be been being am do does did doing have has had having i me my we us our you your he
    she it its they them their this that these those what which who whom when where why how all any both
    each few more most other some such no nor not only own same too very can will just don't should now
    really still even also get got getting make made one two it's i'm you're we're can't won't didn't
    doesn't isn't aren't wasn't please thanks thank sorry hi hey hello
    """
)

# --- fallback sentiment ----------------------------------------------------------------------------
# Used only when vaderSentiment cannot be imported; valences on VADER's -4..4 scale.
FALLBACK_SENTIMENT = {
    "good": 1.9,
    "great": 3.1,
    "thanks": 1.9,
    "thank": 1.5,
    "love": 3.2,
    "happy": 2.7,
    "glad": 2.0,
    "appreciate": 2.0,
    "excellent": 2.7,
    "perfect": 2.7,
    "welcome": 2.0,
    "help": 1.7,
    "helpful": 1.9,
    "resolved": 1.6,
    "fixed": 1.2,
    "refund": 0.6,
    "sorry": -0.3,
    "apologize": 0.4,
    "apologise": 0.4,
    "bad": -2.5,
    "terrible": -2.1,
    "awful": -2.0,
    "hate": -2.7,
    "angry": -2.3,
    "annoying": -1.9,
    "frustrating": -1.9,
    "wrong": -2.1,
    "problem": -1.7,
    "issue": -0.6,
    "broken": -1.8,
    "late": -0.9,
    "delay": -1.3,
    "damaged": -1.8,
    "stupid": -2.4,
    "idiot": -2.3,
    "ridiculous": -1.9,
    "pathetic": -2.6,
    "fail": -2.5,
    "failed": -2.3,
    "never": -0.8,
    "useless": -1.8,
    "worst": -3.1,
    "damn": -1.7,
    "unfortunately": -1.5,
    "disappointed": -1.9,
    "disappointing": -2.2,
    "upset": -1.6,
    "rude": -2.0,
}
FALLBACK_NEGATIONS = _words("not no never don't doesn't didn't isn't wasn't can't won't cannot")
