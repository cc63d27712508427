"""The demo's bot answers (`load_demo`; registered as the demo loader "support.answers").

Question variants are written the way customers type: colloquial, short, with the usual slips (改约/该约,
退款/退宽). Answers never quote a price: the booking's estimate and the plans' prices live in their own
tables and are shown on their pages ("My appointments", "My plan"), so the bot cannot contradict them.
`{hotline}` in an answer is replaced by the national hotline (settings.FAIRDESK_NATIONAL_HOTLINE)."""

from __future__ import annotations

from django.db import transaction

from fairdesk.support.models import BotAnswer

# (question variants, one per line; answer in Chinese; answer in English; link codes)
DEMO_ANSWERS: list[tuple[str, str, str, tuple[str, ...]]] = [
    (
        """多少钱
        收费标准是什么
        上门费多少
        开锁多少钱
        换锁要多少钱
        修锁多少钱
        价格怎么算
        贵不贵
        价钱
        收费贵吗
        how much does it cost
        prices
        what are your fees
        call-out fee""",
        "每项服务都有参考价：选好服务类型预约后，确认页和“我的预约”的详情里会显示本次的参考价。"
        "上门后如需另加配件或项目，师傅会先告诉您价格，您同意后才施工。套餐的价格在“我的套餐”页面。",
        "Every service has an estimate: once you book, the confirmation and the booking's page in \"My "
        'appointments" show it. If extra parts or work are needed on site, the technician tells you the '
        'price first and starts only when you agree. Plan prices are on the "My plan" page.',
        ("book", "my_plan"),
    ),
    (
        """营业时间
        你们几点上班
        几点下班
        几点开门
        晚上有人吗
        半夜能来吗
        周末上门吗
        节假日营业吗
        24小时吗
        热线电话多少
        客服电话
        opening hours
        what time do you open
        are you open at night
        what is your phone number
        hotline""",
        "24 小时热线 {hotline} 全年无休，半夜和节假日也有人接。在线预约可以选今天起两周内的时段；"
        "紧急情况（被锁在门外等）随时点“紧急求助”。",
        "Our hotline {hotline} answers 24 hours a day, every day of the year, nights and holidays included. "
        "Online booking offers slots from today up to two weeks ahead; in an emergency (locked out and so "
        'on) use "Help now" at any time.',
        ("book", "help_now"),
    ),
    (
        """我家那边能上门吗
        你们管不管我家那边
        服务范围
        你们覆盖哪些地方
        我在县城能服务吗
        我们小区能来吗
        你们那能到吗
        郊区你们来不来
        能到我这里吗
        南京能上门吗
        我在苏州你们能来吗
        哪些城市有服务
        do you cover my area
        do you serve my city
        service area
        do you come to my city""",
        "在“服务范围”页面输入地址（或用手机定位）就能马上看到能否上门、由哪个服务站负责以及它的热线。"
        "预约时也会先检查地址；暂不覆盖的地方请打 24 小时热线 {hotline}，我们帮您联系附近的技师。",
        "Type your address on the coverage page (or use your phone's location) to see at once whether we "
        "come to you, which station serves you and its hotline. Booking checks the address first too; where "
        "we do not cover yet, call the 24-hour hotline {hotline} and we will find a technician near you.",
        ("book",),
    ),
    (
        """怎么预约
        我要预约上门
        在线预约
        想约个师傅
        约师傅上门修锁
        能上门修锁吗
        怎么下单
        预定上门服务
        how do i book
        book a technician
        make an appointment
        i want to book a visit""",
        "点“预约上门”：填地址、选服务类型，再选一天里的两小时时段，手机收验证码确认就好，会收到 8 位预约号。"
        "之后改约、取消都在“我的预约”里一键完成。",
        'Tap "Book a visit": enter your address and the service, pick a two-hour slot, confirm with the SMS '
        'code, and you get an 8-character reference. Rescheduling or cancelling is one tap in "My '
        'appointments".',
        ("book",),
    ),
    (
        """怎么改预约时间
        我想换个时间
        改约
        该约
        改期
        预约的时间能改吗
        改到明天
        时间不合适想改一下
        推迟上门时间
        换个时段
        reschedule
        change my appointment time
        can i move my booking
        i can't make it, another day please
        change the date of my visit""",
        "在“我的预约”里打开这次预约，点“改约”，选一个新的时段就完成了，不用打电话，也不收费。"
        "改约后会重新发确认短信，之前的提醒自动换成新时间的。",
        'Open the booking in "My appointments", tap "Reschedule" and pick a new slot: no call needed and no '
        "fee. You get a new confirmation, and the reminders follow the new time.",
        ("reschedule",),
    ),
    (
        """取消预约
        不需要上门了
        我不要了取消吧
        不用来了
        预约怎么取消
        取消订单
        师傅别来了
        cancel my booking
        cancel the appointment
        i don't need the visit anymore""",
        "在“我的预约”里打开这次预约，点“取消”即可，一步完成，不需要说明理由，也不用打电话。",
        'Open the booking in "My appointments" and tap "Cancel": one step, no reason needed, no call.',
        ("cancel",),
    ),
    (
        """退款
        退宽
        怎么退钱
        我要退款
        钱能退吗
        套餐能退款吗
        退钱到哪里
        退款多久到账
        钱什么时候退回来
        refund
        i want my money back
        how do i get a refund""",
        "在“我的套餐”点“退款”：马上停止套餐，未用完的部分和账户余额全部退回原支付方式，"
        "页面会先显示退多少、怎么算的，确认后生效。退款进度在同一页的记录里。",
        'On "My plan" tap "Refund": the plan stops now and the unused part plus any account credit goes back '
        "to your original payment method. The page shows how much and how it was computed before you "
        "confirm; the refund's progress is listed on the same page.",
        ("my_plan",),
    ),
    (
        """套餐降级
        换个便宜点的套餐
        降级
        套餐太贵了想换低一档
        降低套餐
        downgrade my plan
        switch to a cheaper plan""",
        "降级和升级一样，在“我的套餐”里点“降级”：选套餐 → 看预览（什么时候生效、退多少或补多少、怎么算的）"
        "→ 确认，三步完成。退回的钱可以选退回原支付方式或转入账户余额。",
        'Downgrading takes the same steps as upgrading: on "My plan" tap "Downgrade", choose the plan, read '
        "the preview (when it takes effect, what you pay or get back, how it was computed) and confirm: "
        "three taps. Money back goes to your original payment method or to account credit, as you choose.",
        ("my_plan",),
    ),
    (
        """取消套餐
        退订
        不想续了
        套餐怎么退订
        不要套餐了
        关掉会员
        cancel my plan
        unsubscribe
        stop my subscription""",
        "取消和开通一样简单：在“我的套餐”点“取消”，看预览后确认即可，三步完成，不用打电话也不会被挽留。"
        "如果想马上停止并拿回未用完的钱，点“退款”。",
        'Cancelling is as easy as subscribing: on "My plan" tap "Cancel", read the preview and confirm, '
        "three taps, no call and no one trying to keep you. To stop now and get the unused part back, tap "
        '"Refund".',
        ("my_plan",),
    ),
    (
        """有哪些套餐
        你们有什么套餐
        套餐有什么区别
        升级套餐
        开通会员
        买套餐划算吗
        年卡
        what plans do you have
        upgrade my plan
        subscribe""",
        "目前有三档服务套餐，按月或按年付，每档包含的保养次数和维修优惠不同，当前价格都列在“我的套餐”页面。"
        "开通、升级、降级、取消都是同样的三步。",
        "There are three service plans, paid monthly or yearly, with different numbers of maintenance visits "
        'and repair discounts; today\'s prices are on "My plan". Subscribing, upgrading, downgrading and '
        "cancelling all take the same three steps.",
        ("my_plan",),
    ),
    (
        """自动续费
        怎么关闭自动续费
        会不会自动扣钱
        续费提醒
        到期了会自动扣费吗
        auto renew
        turn off automatic renewal
        will you charge me automatically""",
        "自动续费默认是关闭的，只有您自己打开才会续费。打开后，续费前 7 天会收到带价格的提醒，"
        "短信里有一键关闭的链接；在“我的套餐”里也能随时关闭。",
        "Auto-renew is off unless you turn it on. When it is on, you get a reminder with the price 7 days "
        'before, with a one-tap link to turn it off; you can also turn it off on "My plan" at any time.',
        ("my_plan",),
    ),
    (
        """多久能到
        被锁在门外了多久能来
        门打不开了
        锁坏了进不去家
        紧急开锁多快能到
        30分钟能到吗
        急着开门
        师傅多久上门
        马上要人
        加急
        how fast can you come
        emergency
        how long until a technician arrives""",
        "紧急求助会马上派单：附近的技师能在 30 分钟内到的，就承诺 30 分钟内上门；做不到时会如实告诉您"
        "最近的技师需要多少分钟，不会虚报。技师出发后，状态页上可以看到实时预计到达时间。",
        "Help now is dispatched at once: when a nearby technician can be there within 30 minutes, we promise "
        "30 minutes; when nobody can, we tell you honestly how many minutes the nearest technician needs. "
        "Once they are on the way, the status page shows a live arrival estimate.",
        ("help_now",),
    ),
    (
        """开锁要带什么证件
        开锁需要身份证吗
        开锁需要带什么证件
        师傅为什么要看身份证
        没带身份证能开锁吗
        租房能开锁吗
        开锁要房产证吗
        do i need id to open the lock
        what does the technician check
        proof of address""",
        "按各省公安部门对开锁行业的规定，开门锁前师傅必须核对您的身份证，以及能证明您住在这里的材料"
        "（房产证、租房合同、物业或房东证明等），并登记留存。这是为了防止别人冒充开您的门。"
        "证件锁在屋里的话，可以请物业、房东或邻居帮忙证明，师傅到场后会说明。",
        "Provincial rules for locksmiths require the technician to check your ID card and something showing "
        "you live there (property certificate, tenancy agreement, a note from the landlord or property "
        "management) before opening a door, and to record them: this keeps others from having your door "
        "opened. If your papers are locked inside, the property management, landlord or a neighbour can "
        "vouch for you; the technician will explain on site.",
        ("help_now",),
    ),
    (
        """支付方式
        可以微信支付吗
        支付宝能付吗
        怎么付款
        能刷卡吗
        现金可以吗
        收现金吗
        payment methods
        can i pay by card
        do you take cash
        how do i pay""",
        "套餐在“我的套餐”页面在线支付，也可以请客服登记线下付款。上门服务的费用在服务完成后结算，"
        "开工前师傅会先说明项目和价格。退款总是退回原支付方式。",
        'Plans are paid online on "My plan", or offline with an agent who records the payment. A visit is '
        "paid when the work is done; the technician tells you the work and the price before starting. "
        "Refunds always go back to the original payment method.",
        ("my_plan",),
    ),
    (
        """发票
        开发票
        能开发票吗
        电子发票怎么开
        要报销
        增值税发票
        invoice
        i need a receipt
        can i get an invoice""",
        "套餐的账单、退款和余额记录都在“我的套餐”页面里。需要开具发票（个人或单位抬头、税号）请点“转人工”，"
        "客服会帮您办理。",
        'Your plan\'s invoices, refunds and credit are listed on "My plan". For a tax invoice (personal or '
        'company title, tax number) tap "Talk to a human" and an agent will arrange it.',
        ("my_plan",),
    ),
    (
        """保修
        修完又坏了
        质保多久
        保修期多长
        换的锁坏了怎么办
        修好没几天又坏了
        warranty
        it broke again after the repair""",
        "维修和安装都有保修，保修期写在服务记录上。保修期内同一个问题再出现，我们免费再来一趟：预约时在备注里"
        "写明“返修”和原来的预约号，或者直接转人工。",
        "Repairs and installations come with a warranty; its length is on your service record. If the same "
        'problem returns within it we come back free: book and mention "repeat repair" with the old '
        'reference, or tap "Talk to a human".',
        ("book", "reschedule"),
    ),
    (
        """保险柜密码忘了
        保险箱打不开了
        忘记保险柜密码
        保险柜密码忘了咋办
        保险柜锁住了
        密码锁密码忘记
        forgot my safe code
        i cannot open my safe
        safe password reset""",
        "保险柜忘了密码可以预约“密码重置”或“保险柜开启”，师傅上门先核对您的身份和保险柜的购买或归属证明，"
        "再重置密码，尽量不破坏柜体。不急的话选个时段预约即可。",
        'A forgotten safe code: book "Password reset" or "Safe opening". The technician first checks your ID '
        "and proof that the safe is yours, then resets the code, avoiding damage to the safe where possible.",
        ("book",),
    ),
    (
        """智能锁没电了
        指纹锁没电了怎么办
        密码锁没反应
        电子锁电池怎么换
        门锁提示低电量
        指纹锁识别不了
        指纹锁没反应
        smart lock battery dead
        my smart lock has no power
        fingerprint lock not working""",
        "多数智能锁没电时可以用充电宝或 9V 电池接锁外面的应急供电口（一般在底部），再用指纹或密码开门，"
        "进门后换电池。没有应急口或还是打不开，就预约“门锁维修”；人在门外进不去请点“紧急求助”。",
        "Most smart locks have an emergency power port outside (usually underneath): a power bank or a 9 V "
        "battery there lets you open with your fingerprint or code, then change the batteries inside. No "
        'port, or still no luck: book "Lock repair"; if you are locked out, use "Help now".',
        ("book", "help_now"),
    ),
    (
        """配钥匙
        多配一把钥匙
        钥匙丢了怎么办
        钥匙断在锁里了
        换锁芯
        钥匙丢了要换锁吗
        key copy
        i lost my keys
        change the lock cylinder""",
        "钥匙丢了，为了安全建议换锁芯：预约“门锁维修”或“新锁安装”。需要多配钥匙，也可以在预约时备注，"
        "师傅上门一起处理。人在门外进不去请点“紧急求助”。",
        'Lost keys: for safety we suggest changing the cylinder; book "Lock repair" or "New lock '
        'installation". For spare keys, add a note when you book and the technician brings them. If you are '
        'locked out, use "Help now".',
        ("book", "help_now"),
    ),
    (
        """个人信息安全吗
        你们会泄露我的地址吗
        隐私
        我的手机号会给谁看到
        电话号码会泄露吗
        删除我的信息
        data privacy
        what do you do with my data
        delete my data""",
        "您的地址和电话只给负责这次服务的技师和客服看，技师看到的是隐藏号码；开锁时登记的证件信息按规定留存，"
        "不作他用。想查看或删除您的资料，请点“转人工”。",
        "Your address and phone number are seen only by the technician and agents handling your service; "
        "technicians call you through a masked number. ID details recorded for a lock opening are kept as "
        'the rules require and used for nothing else. To see or delete your data, tap "Talk to a human".',
        (),
    ),
    (
        """投诉
        我要投诉
        师傅态度不好
        服务太差了
        对服务不满意
        乱收费
        complaint
        i want to complain
        the technician was rude""",
        "很抱歉给您添麻烦了。点下面的“投诉”，会直接转给真人客服处理投诉，不会由机器人应付您。",
        'We are sorry. Tap "Complaint" below: it goes straight to a person who handles complaints, not to '
        "the bot.",
        ("complaint",),
    ),
    (
        """师傅什么时候到
        师傅到哪了
        技师还有多久
        师傅还没到
        等了很久师傅还没来
        where is the technician
        when will the technician arrive""",
        "预约上门的到达时段在“我的预约”里，出发前一晚会把时段缩小到 1 小时左右并短信通知。"
        "紧急求助的请看状态页，技师出发后有实时预计到达时间。",
        'Your visit\'s arrival window is in "My appointments"; the evening before, it is narrowed to about '
        "an hour and sent to you by SMS. For Help now, the status page shows a live arrival estimate once "
        "the technician is on the way.",
        ("reschedule", "help_now"),
    ),
    (
        """短信提醒
        不想收短信
        能发邮件通知吗
        提醒太多了
        不要发短信
        推送通知
        reminders
        stop sms
        notify me by email""",
        "预约前 24 小时和 2 小时会提醒您（晚上 10 点到早上 8 点不发普通短信）。"
        "在“我的预约”里可以改成邮件或手机推送通知。",
        'We remind you 24 hours and 2 hours before a visit (no ordinary SMS between 22:00 and 08:00). In "My '
        'appointments" you can switch to email or push notifications.',
        ("reschedule",),
    ),
    (
        """保险柜保养
        保险柜多久保养一次
        保险柜年检
        safe maintenance
        service my safe""",
        "建议保险柜每年保养一次：预约“保险柜年度保养”。有服务套餐的话，保养次数已经包含在套餐里。",
        'We suggest servicing a safe once a year: book "Annual safe maintenance". With a service plan, the '
        "visits are included.",
        ("book", "my_plan"),
    ),
    (
        """装新锁
        换一把新锁
        安装智能锁
        换个智能锁
        我想换指纹锁
        防盗门换锁
        install a new lock
        fit a smart lock""",
        "预约“新锁安装”：师傅上门量尺寸、按您的门装好并教您设置。想换智能锁或指纹锁，也可以在预约备注里写明型号。",
        'Book "New lock installation": the technician measures, fits the lock to your door and shows you how '
        "to set it up. For a smart or fingerprint lock, add the model in the booking's note.",
        ("book",),
    ),
]


def _variants(block: str) -> str:
    return "\n".join(line.strip() for line in block.strip().splitlines() if line.strip())


@transaction.atomic
def load_demo() -> int:
    """The demo answers; an answer whose first question is already in the table is left as it is (a manager
    may have edited it). Returns how many were created."""
    existing = {
        text.splitlines()[0].strip() for text in BotAnswer.objects.values_list("questions", flat=True) if text
    }
    created = 0
    for questions, answer, answer_en, links in DEMO_ANSWERS:
        text = _variants(questions)
        if text.splitlines()[0] in existing:
            continue
        BotAnswer.objects.create(questions=text, answer=answer, answer_en=answer_en, links=list(links))
        existing.add(text.splitlines()[0])
        created += 1
    return created


def support_load_demo(*, verbosity: int = 1) -> list[str]:
    """The demo loader (core.demo): `demo.register("support.answers", support_load_demo)`."""
    return [f"support: {load_demo()} new bot answers"]
