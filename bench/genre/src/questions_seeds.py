"""Questions over the five seed documents (bench/genre-seeds/docs are copies of ../shared/seeds), including
the examples quoted in issue 13. Split by document: the three documents the issue quotes are dev, 002 and 003
are held out."""
from questions_genre import Q

DEV = ("000_0496bae90cdf8cb4.txt", "001_2b5757c2b96f3ff0.txt", "004_567314c39f3d4d23.txt")

BY_DOC = {
    "000_0496bae90cdf8cb4.txt": [
        Q("dialogue", "杨浩问市里对老农贸改造的资金支持力度是多少，江一鸣怎么回答？",
          all=["专项引导资金", "额度不会太高", "以区级财政为主导", "PPP"]),
        Q("attitude", "雷书记对孙运通是什么态度？", all=["改正的机会", "教育挽救的机会"]),
        Q("list", "江一鸣交代段磊到任后要落实哪两件重要的事情？", all=["摸清楚永昌区现有产业底数", "科技创新园区落地"]),
        Q("followup", "那资金呢？", all=["专项引导资金", "以区级财政为主导"], history=["老农贸市场改造是怎么回事？"]),
        Q("attitude", "What is Lei Liang's attitude towards Sun Yuntong?", all=["改正的机会"], lang="en"),
        Q("when", "光桥区的农贸市场改造必须在多长时间内初见成效？", ans=["三个月内"]),
        Q("who", "明天陪杨浩去光桥区任职的是谁？", ans=["李部长"]),
        Q("list", "城市治理专项整治行动针对哪些问题？", all=["执法不规范、态度生硬", "占道经营、噪音扰民、私搭乱建"]),
        Q("dialogue", "江一鸣问吴显军雷书记和孙运通之间有什么特别的关系，吴显军怎么回答？",
          all=["从副支队长提拔到了支队长"]),
        Q("unanswerable", "市里给老农贸市场改造的专项引导资金具体是多少钱？", topic=["专项引导资金"]),
    ],
    "001_2b5757c2b96f3ff0.txt": [
        Q("list", "市长对12345热线提出了哪些要求？",
          all=["闭环管理机制", "有跟踪、有反馈、有评价", "优先派单、限时办结"]),
        Q("list", "what did the mayor order about 12345 hotline",
          all=["闭环管理机制", "有跟踪、有反馈、有评价", "优先派单、限时办结"], lang="en"),
        Q("number", "12345热线新增了多少名坐席人员编制？", ans=["50名"]),
        Q("when", "新增的12345坐席人员什么时候可以全部到岗？", ans=["下个月初"]),
        Q("when", "汉林街预计什么时候全部竣工？", ans=["下个月中旬"]),
        Q("number", "农产品大市场专项整治抓了多少名涉黑团伙成员？", ans=["二十多名"]),
        Q("who", "向江一鸣汇报12345坐席人员编制落实情况的是谁？", ans=["刘国亮"]),
        Q("dialogue", "江一鸣问杜宏远为什么急着来找他，杜宏远是怎么说的？", all=["两个大型生产基地", "咨询你的意见"]),
        Q("unanswerable", "大麦科技打算在江城市投资多少钱？", topic=["新的投资方向"]),
    ],
    "004_567314c39f3d4d23.txt": [
        Q("list", "淄博提出了哪“五个转变”？",
          all=["转变爱淄博的角度", "转变理念思路", "转变工作作风", "转变方式方法", "转变选用观念"]),
        Q("number", "淄博30名市级领导联络服务多少家重点企业？", ans=["210家"]),
        Q("number", "淄博资本平台“双招双引”签约项目的总投资规模是多少？", ans=["80亿元"]),
        Q("when", "淄博市决策咨询委员会是哪一天成立的？", ans=["2019年12月28日"]),
        Q("number", "How many experts did Zibo appoint to its first decision consulting committee?", ans=["30位"],
          lang="en"),
        Q("unanswerable", "淄博繁荣发展夜间经济的实施意见安排了多少资金？", topic=["夜间经济"]),
    ],
    "002_d6f77e8bcfec20fc.txt": [
        Q("list", "镇江在攻招引建设之坚方面要做到哪四条？",
          all=["开拓招引多渠道", "紧抓园区主战场", "做好要素全保障", "完善工作好机制"]),
        Q("list", "镇江要完善哪些工作机制？", all=["完善项目评估机制", "完善调度推进机制", "完善列统考核机制"]),
        Q("who", "谁在省政协会议上说全力支持和鼓励干部敢为、地方敢闯？", ans=["信长星"]),
        Q("unanswerable", "镇江2023年招商引资的目标金额是多少？", topic=["招商"]),
    ],
    "003_c4664369075bbaf1.txt": [
        Q("dialogue", "讨论创新生态时，那位资深企业家提了什么意见？", all=["子女教育、配偶就业", "维权成本太高"]),
        Q("when", "江辰要求工信局在多长时间内拿出专精特新企业差异化支持政策初稿？", ans=["一个月内"]),
        Q("list", "清源县新的考核办法大幅提升了哪些指标的权重？",
          all=["产业发展质量", "创新能力提升", "营商环境满意度", "区域协同实效", "生态环境质量"]),
        Q("unanswerable", "清源县“战略任务揭榜挂帅”给揭榜团队多少奖励资金？", topic=["揭榜挂帅"]),
    ],
}

# Added after the first commit: appended, so the ids of the questions above stay as they were.
ADDED = [
    ("000_0496bae90cdf8cb4.txt", Q("where", "江一鸣去哪里找雷亮汇报招商引资的事情？", ans=["省委大院"])),
    ("000_0496bae90cdf8cb4.txt", Q("why_how", "江一鸣为什么先在永昌区试点整治高耗能高污染企业？",
                                   all=["难以获得雷书记和其他常委的支持"])),
    ("000_0496bae90cdf8cb4.txt", Q("yes_no", "市里去年的预算中为老农贸改造预留了资金吗？", ans=["没有预留这笔支出"])),
    ("001_2b5757c2b96f3ff0.txt", Q("yes_no", "杜宏远打算在江城市新建手机生产基地吗？", all=["短期内确实没有多大意义"])),
    ("004_567314c39f3d4d23.txt", Q("where", "2019年11月24日，淄博在哪里开启高层次系列招商引资、招才引智活动？",
                                   ans=["北京"])),
    ("004_567314c39f3d4d23.txt", Q("why_how", "淄博为什么出台繁荣发展夜间经济的实施意见？",
                                   all=["年轻气质", "年轻指数"])),
]


def rows() -> list[dict]:
    pairs = [(doc, q) for doc, qs in BY_DOC.items() for q in qs] + ADDED
    return [{**q, "doc": doc, "split": "dev" if doc in DEV else "held"} for doc, q in pairs]
