# ruff: noqa: E501  (article texts: one Markdown paragraph per line)
"""The demo business's help articles (a safe-and-lock repair network), in Chinese and English.

What to do now, how to look after a lock or a safe, what things cost, how to change or leave a plan, how to
complain and what a lawful opening looks like. None teaches how to open or get round a lock: several
provinces forbid teaching it, and tests/test_demo_content.py checks these texts against a list of
forbidden topics."""

from __future__ import annotations

from typing import NamedTuple


class DemoArticle(NamedTuple):
    slug: str
    topic: str
    service_types: tuple[str, ...]
    title: str
    body: str
    title_en: str
    body_en: str


ALL_TYPES = (
    "lockout-emergency",
    "safe-opening",
    "lock-repair",
    "password-reset",
    "lock-install",
    "safe-maintenance",
)

ARTICLES: list[DemoArticle] = [
    DemoArticle(
        "locked-out",
        "lockout",
        ("lockout-emergency",),
        "被锁在门外、钥匙丢了进不了门怎么办",
        """钥匙丢了、忘带钥匙或门被反锁，进不了家门时：先确认自己安全，再点“紧急求助”，附近的师傅会马上出发；也可以拨打 24 小时热线。

## 先做这几件事

1. 有孩子、老人被困在屋里，或闻到燃气味、看到烟火：先拨打 110 或 119。
2. 想一想有没有备用钥匙：家人、室友、物业或房东那里。
3. 在[紧急求助](/help-now/)页面写下准确地址和手机号，不需要等验证码。

## 师傅到了以后

按规定，开锁前师傅必须核对您的**身份证件**和**居住或产权证明**（房产证、租房合同、物业证明，照片也可以），并做开锁登记。请提前准备好，能更快进门。

## 要多少钱

上门前会告诉您参考价；夜间和紧急上门的加价规则是公开的，见“夜间和紧急上门怎么收费”。""",
        "Locked out or lost your keys and can't get in",
        """Lost your keys, forgot them inside or the door locked behind you: first make sure you are safe, then tap "Help now" and a nearby technician sets off at once; or call the 24-hour hotline.

## Do these first

1. A child or an elderly person trapped inside, a smell of gas, smoke or fire: call 110 or 119 first.
2. Think of a spare key: family, flatmates, the property management office or the landlord.
3. On the [Help now](/help-now/) page write your exact address and phone number; no code to wait for.

## When the technician arrives

By law the technician must check your **identity document** and a **proof of residence or ownership** (property certificate, tenancy agreement, a letter from the property office; a photo is fine) and record the opening before opening anything. Have them ready and you get in sooner.

## What it costs

You are told the estimate before the visit; the published rules for night and emergency visits are in "Night and emergency visits: what they cost".""",
    ),
    DemoArticle(
        "lost-keys",
        "keys",
        ("lock-repair", "lock-install"),
        "钥匙丢了，要不要换锁芯",
        """钥匙丢了却还能进门（有备用钥匙）时，建议尽快更换锁芯：丢失的钥匙如果和地址一起被人捡到，旧锁芯就不再安全。

## 什么时候一定要换

- 钥匙和写着地址的东西（证件、快递单）一起丢了。
- 搬进新房子、租的房子换了租客。
- 钥匙被人借走过且没有全部收回。

## 怎么预约

在[预约](/book/)页面选择“门锁维修”或“新锁安装”，选一个您方便的时段。师傅会带几种常见规格的锁芯，现场说明价格后再更换。""",
        "Lost your keys: should you change the lock cylinder",
        """If your keys are lost but you can still get in (with a spare), change the lock cylinder soon: a lost key found together with your address makes the old cylinder unsafe.

## When you really should change it

- The keys were lost with something showing your address (an ID, a parcel label).
- You moved into a new home, or a rented flat had other tenants before.
- Keys were lent out and not all came back.

## How to book

On the [booking](/book/) page choose "Lock repair" or "New lock installation" and a time that suits you. The technician brings common cylinder sizes and tells you the price before changing anything.""",
    ),
    DemoArticle(
        "broken-key",
        "keys",
        ("lock-repair", "lockout-emergency"),
        "钥匙断在锁里怎么办",
        """钥匙断在锁芯里时，不要再用力转动，也不要往锁孔里塞东西或灌胶水：这样往往会把锁芯弄坏，维修费更高。请预约“门锁维修”，进不了门就点“紧急求助”。

## 可以自己做的

- 留好断掉的那半截钥匙，师傅配新钥匙时用得上。
- 如果锁孔外露出一截，可以轻轻用手指捏住直拉，拉不出来就停手。

## 之后

钥匙断往往是锁芯发涩或钥匙磨损造成的，见“门锁日常保养”。""",
        "A key broke off in the lock",
        """When a key snaps inside the cylinder, don't keep turning it and don't push things or glue into the keyhole: that usually ruins the cylinder and costs more. Book a "Lock repair"; if you can't get in, tap "Help now".

## What you can do yourself

- Keep the broken half: it helps the technician cut a new key.
- If part of it sticks out, gently pull it straight out with your fingers; stop if it doesn't come.

## Afterwards

Keys usually break because the cylinder is stiff or the key is worn: see "Everyday lock care".""",
    ),
    DemoArticle(
        "key-will-not-turn",
        "keys",
        ("lock-repair",),
        "钥匙插得进但拧不动",
        """钥匙能插进去却拧不动，多半是锁芯发涩、钥匙磨损或门框变形让锁舌卡住。先轻轻推拉一下门再转钥匙；还是不行，请预约“门锁维修”，不要硬拧，以免钥匙断在锁里。

## 常见原因

- 锁芯里积了灰尘或生锈：需要清洁和润滑。
- 新配的钥匙不够精确：用原配钥匙试试。
- 天气变化让门变形，锁舌顶在锁扣上：推紧或拉紧门再转。""",
        "The key goes in but won't turn",
        """If the key goes in but won't turn, the cylinder is probably stiff, the key worn, or the door has shifted so the latch binds. Push or pull the door gently and try again; if it still won't turn, book a "Lock repair" rather than forcing it and breaking the key.

## Common causes

- Dust or rust in the cylinder: it needs cleaning and lubricating.
- A newly cut copy that is not precise: try the original key.
- The door moved with the weather and the latch presses on the strike plate: push or pull the door firmly while turning.""",
    ),
    DemoArticle(
        "safe-will-not-open",
        "safes",
        ("safe-opening", "password-reset"),
        "保险柜打不开怎么办",
        """保险柜打不开时，先检查三件事：电池有没有电、密码或钥匙是否正确、柜门是否被里面的东西顶住。仍然打不开，请预约“保险柜开启”或“密码重置”，师傅会先核实您是保险柜的主人。

## 先检查

1. **电池**：电子保险柜没电时按键没有反应或灯很暗，见“保险柜或电子锁没电了”。
2. **密码**：连续输错多次会锁定一段时间，等锁定结束再试。
3. **柜门**：一边用手顶住柜门一边开，东西放得太满会卡住锁舌。

## 需要上门时

师傅开启前会核对您的身份证件和购买凭证或其他能证明保险柜属于您的材料，并做登记。""",
        "The safe won't open",
        """When a safe won't open, check three things first: the batteries, the code or key, and whether something inside is pushing against the door. If it still won't open, book "Safe opening" or "Password reset"; the technician first checks that the safe is yours.

## Check first

1. **Batteries**: an electronic safe with flat batteries shows dim or no lights; see "The safe or electronic lock has no power".
2. **Code**: several wrong codes lock the keypad for a while; wait until it ends.
3. **Door**: push the door closed with one hand while opening; an overfull safe jams the bolt.

## When a visit is needed

Before opening, the technician checks your identity document and the receipt or another proof that the safe is yours, and records the opening.""",
    ),
    DemoArticle(
        "safe-code-forgotten",
        "safes",
        ("password-reset", "safe-opening"),
        "忘了保险柜密码",
        """忘了保险柜密码时，可以先用保险柜附带的应急钥匙打开，再按说明书重设密码；没有应急钥匙或找不到说明书，请预约“密码重置”，师傅核实身份和保险柜归属后帮您重设。

## 重设密码的建议

- 不要用生日、手机号、连续或重复的数字。
- 把应急钥匙放在保险柜以外的安全地方，不要放在柜子里。
- 新密码设好后，柜门开着试几次再关门。""",
        "Forgot the safe's code",
        """If you forgot the code, open the safe with its emergency key and reset the code as the manual says; without the emergency key or the manual, book a "Password reset": the technician checks your identity and that the safe is yours, then resets it.

## Choosing a new code

- Not a birthday, a phone number, or runs and repeats of digits.
- Keep the emergency key somewhere safe outside the safe, never inside it.
- Try the new code a few times with the door open before closing it.""",
    ),
    DemoArticle(
        "safe-battery",
        "safes",
        ("password-reset",),
        "保险柜或电子锁没电了",
        """电子保险柜和电子锁没电时按键没反应、灯很暗或发出“滴滴”的低电量提示。大多数型号可以在外面的应急电源口临时接电（9V 电池或充电宝），开门后更换电池；不确定型号，请预约“密码重置”。

## 换电池

- 用新的碱性电池，一次全部换掉，不要新旧混用。
- 一般一年左右换一次；听到低电量提示就换。
- 换完电池密码通常不会丢失，换好后试一次再关门。""",
        "The safe or electronic lock has no power",
        """An electronic safe or lock without power shows no or dim lights or beeps a low-battery warning. Most models have an emergency power socket outside (a 9 V battery or a power bank) to open the door and then change the batteries; if unsure about your model, book a "Password reset".

## Changing batteries

- Fresh alkaline batteries, all at once; never mix old and new.
- About once a year, or as soon as you hear the low-battery warning.
- The code is normally kept; try it once before closing the door.""",
    ),
    DemoArticle(
        "smart-lock-care",
        "care",
        ("lock-repair",),
        "智能锁、指纹锁识别不灵或没电",
        """智能锁或指纹锁识别不灵时，先擦干净指纹窗口、把手指擦干再试；没电时用机械钥匙或应急供电口开门，然后更换电池。一直识别失败或锁体有异响，请预约“门锁维修”。

## 平时这样做

- 录入两根以上手指，包括另一只手的。
- 机械应急钥匙放在家以外的安全地方（例如家人那里）。
- 不要用酒精或腐蚀性清洁剂擦指纹窗口。""",
        "Smart or fingerprint lock not reading, or out of power",
        """When a smart or fingerprint lock doesn't read your finger, wipe the sensor clean, dry your finger and try again; without power, open with the mechanical key or the emergency power socket, then change the batteries. If it keeps failing or the lock makes odd noises, book a "Lock repair".

## Everyday habits

- Register at least two fingers, one from the other hand.
- Keep the mechanical emergency key somewhere outside the home (with family, say).
- Don't clean the sensor with alcohol or harsh cleaners.""",
    ),
    DemoArticle(
        "lock-care",
        "care",
        ("lock-repair", "safe-maintenance"),
        "门锁日常保养",
        """门锁每半年保养一次就能少出很多问题：锁孔里用专用的锁芯润滑剂（石墨粉或干性润滑剂），不要用食用油或普通机油，它们会粘灰，让锁芯更涩。

## 保养步骤

1. 把润滑剂少量喷进锁孔，插入钥匙来回转几次。
2. 擦掉钥匙上的脏东西。
3. 检查锁舌伸缩是否顺畅，门关上时锁舌是否对准锁扣。
4. 拧紧把手和面板上松动的螺丝。

## 什么时候找师傅

钥匙越来越难插、锁舌卡住、门要用力推才能锁上：请预约“门锁维修”。""",
        "Everyday lock care",
        """Looking after a lock twice a year prevents most trouble: use a lock lubricant (graphite powder or a dry lubricant) in the keyhole, never cooking oil or ordinary machine oil, which collect dust and make the cylinder stiffer.

## Steps

1. Spray a little lubricant into the keyhole and turn the key back and forth a few times.
2. Wipe the key clean.
3. Check that the latch moves freely and meets the strike plate when the door closes.
4. Tighten loose screws on the handle and the plate.

## When to call a technician

The key is harder and harder to insert, the latch sticks, or the door must be pushed hard to lock: book a "Lock repair".""",
    ),
    DemoArticle(
        "safe-maintenance",
        "care",
        ("safe-maintenance",),
        "保险柜年度保养包括什么",
        """保险柜年度保养一次约一小时：师傅检查电子面板和电池、清洁和润滑锁栓与铰链、检查柜体固定螺栓，并帮您确认应急钥匙能用。预约“保险柜年度保养”即可。

## 保养清单

- 电子面板、键盘和电池仓：有无受潮或漏液。
- 锁栓、铰链：清洁、润滑、调整。
- 固定：柜体和地面或墙体的螺栓是否牢固。
- 应急钥匙和密码：是否都能正常开启。""",
        "What the annual safe maintenance covers",
        """The annual safe maintenance takes about an hour: the technician checks the keypad and batteries, cleans and lubricates the bolts and hinges, checks the anchor bolts and makes sure your emergency key works. Book "Annual safe maintenance".

## The checklist

- Keypad, buttons and battery compartment: damp or leaking batteries.
- Bolts and hinges: cleaned, lubricated, adjusted.
- Anchoring: the bolts holding the safe to the floor or wall.
- Emergency key and code: both open the safe.""",
    ),
    DemoArticle(
        "choosing-a-lock",
        "choosing",
        ("lock-install",),
        "怎么选门锁和锁芯",
        """选防盗门锁芯时看三点：锁芯等级（B 级或 C 级更耐用）、钥匙能否随意复制、和您的门是否匹配。不确定时预约“新锁安装”，师傅上门量好尺寸，先报价再安装。

## 锁芯等级

- A 级：基础款，适合室内门。
- B 级、C 级：防盗门常用，结构更复杂，钥匙更难复制。

## 智能锁要注意

- 选有机械应急钥匙和外接应急电源的型号。
- 看清楚门的厚度和开门方向，买前请师傅确认。""",
        "Choosing a lock and a cylinder",
        """When choosing a cylinder for a security door, look at three things: its grade (grade B or C lasts longer), whether keys can be copied anywhere, and whether it fits your door. If unsure, book a "New lock installation": the technician measures, quotes, then installs.

## Cylinder grades

- Grade A: basic, for inside doors.
- Grades B and C: usual for security doors, more complex, keys harder to copy.

## Smart locks

- Choose one with a mechanical emergency key and an outside emergency power socket.
- Check the door's thickness and opening direction; ask the technician before buying.""",
    ),
    DemoArticle(
        "choosing-a-safe",
        "choosing",
        ("safe-maintenance",),
        "怎么选家用保险柜",
        """选家用保险柜看用途：放证件和现金选中小型、带防火功能的；放贵重物品选更重、能固定在墙上或地上的。买回后请固定安装，再把应急钥匙放在柜子以外的地方。

## 看这些

- 防火：有没有防火测试说明，放证件尤其重要。
- 重量和固定：能用螺栓固定的更安全。
- 开启方式：密码、指纹或钥匙，最好有两种以上。
- 尺寸：量好放置位置，留出开门的空间。""",
        "Choosing a home safe",
        """Choose a home safe by what it will hold: documents and cash need a small or medium safe with fire protection; valuables a heavier one that can be bolted to a wall or the floor. Once home, have it anchored and keep the emergency key outside it.

## Look at

- Fire protection: a stated fire test, important for documents.
- Weight and anchoring: one that can be bolted down is safer.
- Opening: code, fingerprint or key; two of them is better.
- Size: measure the place and leave room for the door to open.""",
    ),
    DemoArticle(
        "visit-cost",
        "prices",
        ALL_TYPES,
        "上门一次多少钱",
        """每种服务都有公开的参考价，预约时就能看到；师傅到场检查后，更换零件前会先告诉您总价，您同意后才动工。没有修好不收服务费。

## 价格包括什么

- 上门和检查：包含在参考价里。
- 零件（锁芯、电池等）：另计，先报价。
- 夜间和紧急上门：按公开规则加价，见“夜间和紧急上门怎么收费”。

## 付款

上门结束后在手机上付款，可以开电子发票。有套餐的客户按套餐内容减免。""",
        "What a visit costs",
        """Every service has a published estimate, shown when you book; after checking on site, the technician tells you the total before fitting any part, and starts only when you agree. No service fee if it isn't fixed.

## What the price covers

- The visit and the check: included in the estimate.
- Parts (cylinders, batteries…): extra, quoted first.
- Night and emergency visits: the published surcharge, see "Night and emergency visits: what they cost".

## Paying

Pay on your phone after the visit; an electronic invoice is available. Plan customers get what their plan includes.""",
    ),
    DemoArticle(
        "how-prices-are-set",
        "prices",
        ALL_TYPES,
        "价格是怎么定的",
        """价格由三部分组成：服务类型的参考价（按平均用时和所需技能定）、实际用到的零件、以及公开的夜间或紧急加价。同一服务在同一城市对所有客户价格相同，不看您用什么手机、是不是老客户。

## 我们不做的事

- 不按客户身份或消费记录区别定价。
- 不在到场后临时提出没有告知的费用。
- 价格调整提前公布，已预约的按预约时的价格。

所有影响价格的规则都公开在[规则](/rules/)页面。""",
        "How prices are set",
        """A price has three parts: the service's estimate (set by its average time and the skill it needs), the parts actually used, and the published night or emergency surcharge. The same service costs every customer in a city the same, whatever phone they use or how long they have been a customer.

## What we never do

- Price by who the customer is or what they spent before.
- Add a charge on site that you were not told about.
- Change prices without notice: a booked visit keeps the price of the day it was booked.

Every rule that affects a price is published on the [rules](/rules/) page.""",
    ),
    DemoArticle(
        "night-and-emergency-prices",
        "prices",
        ("lockout-emergency", "safe-opening"),
        "夜间和紧急上门怎么收费",
        """紧急上门（被锁在门外、保险柜急需打开）和夜间上门按公开规则加价，在紧急求助页面和预约时就能看到；师傅出发前客服或短信会再告诉您一次。

## 为什么会加价

夜间和紧急单需要师傅马上放下其他工作出发，加价用于夜班和路程补贴，规则对所有客户一样。

## 如果觉得收费不对

可以在[投诉](/complaints/new/)页面一键投诉，选择“收费问题”。""",
        "Night and emergency visits: what they cost",
        """Emergency visits (locked out, a safe that must be opened now) and night visits carry the published surcharge, shown on the Help now page and when booking; support or an SMS tells you again before the technician sets off.

## Why a surcharge

Night and emergency jobs make a technician drop other work and leave at once; the surcharge pays night shifts and travel, and it is the same for every customer.

## If a charge seems wrong

Complain in one tap on the [complaints](/complaints/new/) page and choose the billing category.""",
    ),
    DemoArticle(
        "change-or-cancel-plan",
        "plans",
        (),
        "怎么更改或取消套餐",
        """在“我的套餐”页面，升级、降级、换周期、取消和退款都是同一排按钮，每一种都是“选择 → 预览 → 确认”三步，和开通一样容易，不需要打电话。

## 什么时候生效

所有变更按同一条公开的生效规则执行：预览页会写明何时生效、您要付多少或退多少、怎么算出来的。

## 自动续费

自动续费默认关闭；开通后也可以随时在“我的套餐”关掉。续费前至少 5 天会提醒您。""",
        "Changing or cancelling your plan",
        """On the "My plan" page, upgrade, downgrade, switch period, cancel and refund are buttons in one row, each three steps (choose → preview → confirm): as easy as subscribing, no phone call needed.

## When it takes effect

Every change follows the same published rule: the preview says when it takes effect, what you pay or get back, and how it was computed.

## Auto-renew

Auto-renew is off unless you turn it on, and you can turn it off at any time on "My plan". You are reminded at least 5 days before a renewal.""",
    ),
    DemoArticle(
        "refunds",
        "plans",
        (),
        "退款怎么算、多久到账",
        """取消套餐时，没用完的部分按天折算退回，预览页会列出每一行的计算；默认原路退回到您付款的账户，一般 1 到 7 个工作日到账，具体看支付渠道。

## 也可以

- 选择退到账户余额，下次使用。
- 在“我的套餐”查看每一笔发票、退款单和到账状态。

退款没有按时到账，请在[投诉](/complaints/new/)页面选择“退款”，走绿色通道处理。""",
        "Refunds: how they are computed and when they arrive",
        """When you cancel a plan, the unused part is refunded day by day, every line shown on the preview; by default it goes back to the account you paid from, usually within 1 to 7 working days depending on the payment channel.

## You can also

- Take it as credit for next time.
- See every invoice, credit note and refund and its status on "My plan".

If a refund is late, choose "Refund" on the [complaints](/complaints/new/) page: it goes through the green channel.""",
    ),
    DemoArticle(
        "reschedule-or-cancel-visit",
        "plans",
        ALL_TYPES,
        "改约或取消上门预约",
        """在“我的预约”页面用手机号验证后，每个预约都有“改约”和“取消”按钮，一步完成，不需要打电话；改约时只会显示还有空位的时段。

## 注意

- 改约或取消后会收到短信确认。
- 已经出发的紧急单请联系客服或热线。
- 取消预约不收费。""",
        "Rescheduling or cancelling a visit",
        """On "My appointments", after verifying your phone, every booking has a "Reschedule" and a "Cancel" button: one step each, no phone call; rescheduling only offers times that still have room.

## Good to know

- You get an SMS confirming the change or the cancellation.
- For an emergency visit already on its way, contact support or the hotline.
- Cancelling a booking costs nothing.""",
    ),
    DemoArticle(
        "how-to-complain",
        "complaints",
        (),
        "怎么投诉",
        """每个页面底部都有“投诉”链接，预约、紧急单、套餐和客服会话里也有，一键进入并自动带上相关记录。先选类别再写内容，最后验证手机号即可提交，提交后会收到编号和三个处理期限。

## 绿色通道

套餐变更、取消和退款的投诉走绿色通道，排在最前面，期限更短。

## 进度

在[我的投诉](/complaints/)可以看到处理进度、回复，并接受或不认可最终答复。""",
        "How to complain",
        """Every page has a "Complain" link at the bottom, and so do each booking, emergency, plan and support conversation: one tap, with the record attached. Choose a category, write what happened, then verify your phone to submit; you get a reference and the three deadlines.

## The green channel

Complaints about changing, cancelling or refunding a plan go through the green channel: first in line, with shorter deadlines.

## Progress

On [my complaints](/complaints/) you see the progress and the replies, and accept or dispute the final response.""",
    ),
    DemoArticle(
        "complaint-deadlines",
        "complaints",
        (),
        "投诉多久有答复；对答复不满意怎么办",
        """投诉提交后有三个公开期限：首次联系、最终答复和最长处理期限，都写在回执和短信里。对最终答复不满意，可以点“不认可”，页面会告诉您如何向 12315 反映，并提供可下载的记录。

## 期限怎么算

按工作日计算，节假日顺延；要求您补充材料期间暂停计时。

## 外部渠道

全国 12345 政务服务热线或 12315 消费者投诉（www.12315.cn），带上投诉编号和记录即可。""",
        "Complaint deadlines, and what to do if you disagree",
        """A complaint has three published deadlines: first contact, final response and the hard limit, all in the receipt and the SMS. If you disagree with the final response, tap "Dispute": the page explains how to take it to 12315 and gives you a record to download.

## How they are counted

In working days, public holidays skipped; the clock pauses while we wait for information we asked you for.

## Outside channels

The 12345 government service hotline or the 12315 consumer complaints service (www.12315.cn): bring the reference and the record.""",
    ),
    DemoArticle(
        "lawful-opening",
        "lawful",
        ("lockout-emergency", "safe-opening"),
        "合法开锁：师傅上门会核实什么",
        """正规的开锁服务在开启任何门锁或保险柜之前，都会核实您是住户或主人：查看身份证件（只记录证件类型和后四位）、居住或产权证明，必要时请物业或邻居作证，并在开锁登记上签字确认。

## 需要准备

1. 身份证件：身份证、护照等。
2. 居住或产权证明：房产证、租房合同、物业证明、水电缴费单，照片也可以。
3. 准确的地址。

## 为什么这么严格

这是为了保护您的家：不能证明是住户时，师傅会请物业或警方协助，而不会直接开门。开锁登记按规定保存一段时间后删除。""",
        "Lawful opening: what the technician checks",
        """A proper opening service checks that you live there or own the safe before opening any lock: your identity document (only its type and last four digits are recorded), a proof of residence or ownership, a witness such as the property office or a neighbour where required, and your signature on the opening record.

## Have ready

1. An identity document: ID card, passport…
2. Proof of residence or ownership: property certificate, tenancy agreement, a letter from the property office, a utility bill; a photo is fine.
3. Your exact address.

## Why so strict

It protects your home: when nobody can show they live there, the technician asks the property office or the police to help instead of opening. The opening record is kept for the period the rules set, then deleted.""",
    ),
    DemoArticle(
        "renting-locked-out",
        "lawful",
        ("lockout-emergency",),
        "租房被锁在门外，需要房东同意吗",
        """租客被锁在门外时，带上身份证件和租房合同（照片也可以）就可以申请开门；合同上没有您的名字，师傅会请房东或物业确认。开门后如果要换锁芯，请先和房东商量。

## 建议

- 手机里存一张租房合同的照片。
- 把物业和房东的电话存好。
- 换锁芯后把一把钥匙交给房东，按合同约定处理。""",
        "Locked out of a rented flat: does the landlord have to agree",
        """A tenant locked out can ask for an opening with an identity document and the tenancy agreement (a photo is fine); if your name is not on the agreement, the technician asks the landlord or the property office to confirm. If you then want the cylinder changed, agree it with the landlord first.

## Tips

- Keep a photo of the tenancy agreement on your phone.
- Save the numbers of the property office and the landlord.
- After a cylinder change, give the landlord a key as the agreement says.""",
    ),
    DemoArticle(
        "after-a-break-in",
        "lockout",
        ("lock-repair", "lock-install"),
        "门锁被撬或家里进了小偷怎么办",
        """发现门锁被撬或家里被盗：不要进屋，先离开到安全的地方拨打 110，保护好现场等警察来。警察勘查完以后，再预约“门锁维修”或“新锁安装”更换锁芯。

## 之后

- 列出丢失的物品，拍照留证。
- 更换锁芯，考虑升级到 B 级或 C 级。
- 通知物业查看监控。""",
        "After a break-in or a forced lock",
        """If you find the lock forced or your home burgled: don't go in; go somewhere safe, call 110 and leave everything as it is for the police. Once they have finished, book a "Lock repair" or "New lock installation" to change the cylinder.

## Afterwards

- List what is missing and take photos.
- Change the cylinder; consider grade B or C.
- Ask the property office to check their cameras.""",
    ),
    DemoArticle(
        "emergency-arrival",
        "lockout",
        ("lockout-emergency", "safe-opening"),
        "紧急求助后师傅多久能到",
        """提交紧急求助后，系统立刻通知离您最近、有空的师傅；能在 30 分钟内赶到的地方会告诉您，赶不到时会如实告诉您预计时间。状态页面会实时显示师傅是否已接单、在路上还是已到达。

## 等待时

- 留在安全、方便师傅找到的地方，保持手机畅通。
- 准备好身份证件和居住证明（见“合法开锁：师傅上门会核实什么”）。
- 情况变了（比如找到了备用钥匙）可以在状态页取消。""",
        "How soon a technician arrives after Help now",
        """After you ask for help, the nearest free technician is told at once; where one can be there within 30 minutes you are told so, and where not, you are told the honest estimate. The status page shows whether a technician has accepted, is on the way or has arrived.

## While you wait

- Stay somewhere safe where the technician can find you, with your phone on.
- Have your identity document and proof of residence ready (see "Lawful opening: what the technician checks").
- If things change (you found a spare key), cancel on the status page.""",
    ),
]
