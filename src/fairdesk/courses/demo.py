"""The demo's courses for the lock and safe business: lock care, choosing a safe, changing a safe's code and
what a lawful opening looks like. They teach looking after what one owns and what to expect from a visit;
never how to open or get past a lock or safe (several provinces forbid teaching 开锁技术; a test checks)."""

from __future__ import annotations

from django.db import transaction

from fairdesk.courses.models import Course, Lesson, QuizChoice, QuizQuestion
from fairdesk.courses.services import course_short_link_ensure

# code, service types, minutes, (title zh, en), (intro zh, en), lessons [(title zh, en, body zh, en)],
# questions [(text zh, en, [(choice zh, en, correct)])]
DEMO_COURSES = [
    (
        "lock-care",
        ["lock-repair", "lock-install", "lockout-emergency"],
        5,
        ("门锁日常保养", "Looking after your door lock"),
        (
            "五分钟学会让门锁少出故障：清洁、润滑和什么时候该请师傅。",
            "Five minutes to fewer lock failures: cleaning, lubricating and when to call a technician.",
        ),
        [
            (
                "为什么门锁会变紧",
                "Why a lock gets stiff",
                "门锁变紧多半是因为**灰尘**和**老化的润滑**。\n\n"
                "- 钥匙插拔费劲，往往是锁芯里积了灰\n"
                "- 把手回弹慢，多是锁体缺少润滑\n"
                "- 门框变形也会让锁舌卡住\n\n"
                "发现这些迹象就处理，比等到打不开门再叫人省心得多。",
                "A lock usually gets stiff from **dust** and **old lubricant**.\n\n"
                "- A key that is hard to insert or pull out often means dust in the cylinder\n"
                "- A handle that springs back slowly usually needs lubrication in the lock body\n"
                "- A warped door frame can also make the latch catch\n\n"
                "Dealing with these signs early is far easier than calling someone once the door will not"
                " open.",
            ),
            (
                "清洁和润滑",
                "Cleaning and lubricating",
                "每半年做一次简单保养：\n\n"
                "1. 用干布擦净钥匙和锁面\n"
                "2. 在锁孔里喷少量**石墨粉**或专用锁润滑剂（不要用食用油，会粘灰）\n"
                "3. 插拔钥匙几次，让润滑剂分布均匀\n"
                "4. 把门打开，转动把手几次，检查锁舌伸缩是否顺畅\n\n"
                "电子锁请按说明书更换电池，低电量提醒出现后尽快更换。",
                "Twice a year, a simple routine:\n\n"
                "1. Wipe the key and the lock face with a dry cloth\n"
                "2. Puff a little **graphite powder** or a lock lubricant into the keyhole (never cooking"
                " oil: it collects dust)\n"
                "3. Insert and remove the key a few times to spread it\n"
                "4. With the door open, turn the handle a few times and check the latch moves freely\n\n"
                "For an electronic lock, change the batteries as its manual says, soon after the low-battery"
                " warning.",
            ),
            (
                "什么时候该请师傅",
                "When to call a technician",
                "出现下面的情况，请预约上门维修，不要硬拧：\n\n"
                "- 钥匙断在锁里\n- 钥匙转不动或要用很大力气\n- 锁舌锁不到位\n\n"
                "硬拧可能把钥匙拧断、损坏锁芯，维修反而更贵。",
                "Book a repair visit rather than forcing it when:\n\n"
                "- a key has broken off in the lock\n- the key will not turn, or only with great force\n"
                "- the latch does not lock fully\n\n"
                "Forcing it can snap the key or damage the cylinder, which makes the repair dearer.",
            ),
        ],
        [
            (
                "锁孔里适合用什么润滑？",
                "What should go into a keyhole to lubricate it?",
                [
                    ("石墨粉或专用锁润滑剂", "Graphite powder or a lock lubricant", True),
                    ("食用油", "Cooking oil", False),
                    ("什么都不用", "Nothing, ever", False),
                ],
            ),
            (
                "钥匙转不动时应该怎么做？",
                "The key will not turn. What should you do?",
                [
                    ("用钳子用力拧", "Turn it hard with pliers", False),
                    ("停下来，预约师傅上门", "Stop and book a technician", True),
                    ("往锁孔里灌胶水", "Pour glue into the keyhole", False),
                ],
            ),
        ],
    ),
    (
        "choosing-a-safe",
        ["safe-maintenance", "safe-opening"],
        6,
        ("如何选购保险柜", "Choosing a safe"),
        (
            "家用保险柜怎么选：放什么、放在哪、看哪些认证。",
            "How to choose a home safe: what goes in, where it goes, which certifications to look for.",
        ),
        [
            (
                "先想清楚放什么",
                "First decide what goes in",
                "保险柜的大小和等级取决于里面放什么：\n\n"
                "- **证件和合同**：防火性能更重要\n"
                "- **现金和首饰**：防盗等级更重要\n"
                "- **硬盘和U盘**：需要防磁、防高温的型号\n\n"
                "留出三成空间，以后用得上。",
                "The size and grade of a safe follow from what it will hold:\n\n"
                "- **documents and contracts**: fire resistance matters most\n"
                "- **cash and jewellery**: burglary resistance matters most\n"
                "- **hard drives and USB sticks**: a model rated for heat and magnetism\n\n"
                "Leave a third of the space free for later.",
            ),
            (
                "看认证，不看广告",
                "Look at certifications, not adverts",
                "选购时请查看产品是否符合国家标准 **GB 10409《防盗保险柜（箱）》**，"
                "并看清防盗等级和防火时间。\n\n商家口头承诺不能代替检测报告，购买时保留发票和保修卡。",
                "Check that the product meets the national standard **GB 10409 (burglary-resistant safes)**,"
                " and read its burglary grade and fire rating.\n\n"
                "A seller's promise is no substitute for a test report; keep the invoice and the warranty"
                " card.",
            ),
            (
                "放在哪里",
                "Where to put it",
                "- 固定在承重墙或地面上（多数型号自带固定螺栓孔）\n"
                "- 避开潮湿的地方，如卫生间旁\n"
                "- 不要放在进门就能看到的位置\n\n"
                "安装固定可以预约师傅上门。",
                "- Bolt it to a load-bearing wall or the floor (most models have bolt holes)\n"
                "- Keep it away from damp places such as next to a bathroom\n"
                "- Not where it can be seen from the door\n\n"
                "A technician can come to install and bolt it.",
            ),
        ],
        [
            (
                "主要存放证件合同，最该看重什么？",
                "Mostly documents and contracts: what matters most?",
                [
                    ("防火性能", "Fire resistance", True),
                    ("颜色", "Its colour", False),
                    ("重量越轻越好", "The lighter the better", False),
                ],
            ),
            (
                "家用保险柜最好怎样安装？",
                "How should a home safe be installed?",
                [
                    ("固定在承重墙或地面上", "Bolted to a load-bearing wall or the floor", True),
                    ("放在门口显眼处", "In plain sight by the door", False),
                    ("放在卫生间旁边", "Next to the bathroom", False),
                ],
            ),
        ],
    ),
    (
        "safe-code-change",
        ["password-reset", "safe-maintenance"],
        4,
        ("更改保险柜密码", "Changing your safe's code"),
        (
            "自己的保险柜，怎样安全地换一个新密码，以及忘记密码时该怎么办。",
            "How to safely set a new code on your own safe, and what to do if you forget it.",
        ),
        [
            (
                "换密码前的准备",
                "Before you change the code",
                "- 找到保险柜的**使用说明书**，按型号的步骤操作（不同品牌步骤不同）\n"
                "- **一定在柜门打开时操作**，这样新密码没设好也不会被锁在外面\n"
                "- 准备好新电池（电子密码锁）\n"
                "- 选一个别人猜不到的密码：不用生日、电话号码或 123456",
                "- Find the safe's **manual** and follow the steps for your model (brands differ)\n"
                "- **Always do it with the door open**, so a code that did not take cannot lock you out\n"
                "- Have fresh batteries ready (electronic locks)\n"
                "- Choose a code nobody can guess: no birthdays, phone numbers or 123456",
            ),
            (
                "设好后先测试",
                "Test before you close it",
                "新密码设好后，**门开着**反复测试三次：锁上锁舌、输入新密码、确认能打开。\n\n"
                "都成功后再关门。把新密码记在只有您知道的安全地方。\n\n"
                "如果忘记了密码，请带上购买凭证和身份证件预约“密码重置”上门服务："
                "师傅会先核实您是保险柜的主人。",
                "With the door **still open**, test the new code three times: throw the bolt, enter the new"
                " code, check it opens.\n\n"
                "Only then close the door. Keep the code somewhere safe that only you know.\n\n"
                "If you forget the code, book a “password reset” visit with your proof of purchase and your"
                " ID: the technician first checks that the safe is yours.",
            ),
        ],
        [
            (
                "更改密码时柜门应该？",
                "While changing the code, the door should be",
                [
                    ("打开", "Open", True),
                    ("关上", "Closed", False),
                    ("无所谓", "Either way", False),
                ],
            ),
            (
                "哪个密码最合适？",
                "Which code is best?",
                [
                    ("自己的生日", "Your birthday", False),
                    ("123456", "123456", False),
                    ("别人猜不到的数字组合", "Digits nobody could guess", True),
                ],
            ),
        ],
    ),
    (
        "lawful-opening",
        ["lockout-emergency", "safe-opening"],
        4,
        ("合法开锁是什么样的", "What a lawful opening looks like"),
        (
            "被锁在门外或保险柜打不开时，正规师傅上门会先做什么，您需要准备什么。",
            "Locked out, or a safe that will not open: what a proper technician does first, and what to"
            " have ready.",
        ),
        [
            (
                "师傅会先核实身份",
                "The technician checks who you are first",
                "正规的开锁服务在动手之前一定会**登记**（开锁登记）：\n\n"
                "1. 查看您的**有效身份证件**，只记录证件类型和号码最后 4 位\n"
                "2. 查看**居住或所有权证明**，如租房合同、房产证、水电费单或保险柜购买凭证，并拍照留存\n"
                "3. 部分省份要求**物业或邻居**在场见证\n\n"
                "不核实就开锁的“师傅”，同样可能帮别人打开您的门。",
                "A proper opening service always **records** the job (an opening record) before starting:\n\n"
                "1. It looks at your **valid ID** and records only the document type and the last 4"
                " characters of its number\n"
                "2. It looks at **proof of residence or ownership** — a tenancy agreement, property"
                " certificate, utility bill or the safe's receipt — and photographs it\n"
                "3. Some provinces require a **property manager or neighbour** to witness it\n\n"
                "Someone who opens without checking could just as well open your door for somebody else.",
            ),
            (
                "您需要准备什么",
                "What to have ready",
                "- 身份证件（证件在屋里时，可以请物业或邻居协助证明）\n"
                "- 居住或所有权证明\n"
                "- 准确的地址和能接通的电话\n\n"
                "您的登记只保存当地规定的期限（默认三个月），到期自动删除；保存期间任何人都不能修改。",
                "- Your ID (if it is inside, a property manager or neighbour can help vouch for you)\n"
                "- Proof of residence or ownership\n"
                "- The exact address and a phone that answers\n\n"
                "The record is kept only as long as local rules say (three months by default), then deleted;"
                " until then nobody can change it.",
            ),
        ],
        [
            (
                "正规师傅开锁前会做什么？",
                "What does a proper technician do before opening?",
                [
                    ("直接开锁", "Opens straight away", False),
                    (
                        "核实身份和居住或所有权证明",
                        "Checks your ID and proof of residence or ownership",
                        True,
                    ),
                    ("只问您的名字", "Only asks your name", False),
                ],
            ),
            (
                "开锁登记会记录证件号码的哪一部分？",
                "Which part of the ID number does the opening record keep?",
                [
                    ("完整号码", "The full number", False),
                    ("最后 4 位", "The last 4 characters", True),
                    ("前 6 位", "The first 6 characters", False),
                ],
            ),
        ],
    ),
]


@transaction.atomic
def courses_load_demo(*, verbosity: int = 1) -> list[str]:
    """The four demo courses with their lessons, quizzes and SMS short links. Idempotent."""
    created = 0
    for order, (code, types, minutes, title, intro, lessons, questions) in enumerate(DEMO_COURSES, 1):
        course, was_created = Course.objects.get_or_create(
            code=code,
            defaults={
                "service_types": types,
                "estimated_minutes": minutes,
                "title_zh": title[0],
                "title_en": title[1],
                "intro_zh": intro[0],
                "intro_en": intro[1],
                "order": order,
            },
        )
        course_short_link_ensure(course)
        if not was_created:
            continue
        created += 1
        for n, (t_zh, t_en, b_zh, b_en) in enumerate(lessons, 1):
            Lesson.objects.create(
                course=course, order=n, title_zh=t_zh, title_en=t_en, body_zh=b_zh, body_en=b_en
            )
        for n, (q_zh, q_en, choices) in enumerate(questions, 1):
            question = QuizQuestion.objects.create(course=course, order=n, text_zh=q_zh, text_en=q_en)
            for m, (c_zh, c_en, correct) in enumerate(choices, 1):
                QuizChoice.objects.create(
                    question=question, order=m, text_zh=c_zh, text_en=c_en, is_correct=correct
                )
    return [f"courses: {created} new"]
