"""The held-out questions of bench/genre-fresh2, one dict per question (keys as in bench/genre/src/build.py:
q, kind, doc, ans, all, any, history, lang, topic). Written from the documents alone, without looking at how
the answer composer works. Phrases may be simplified Chinese; build.py maps them onto the document's script.
"""

from fresh_build import q  # bench/genre/src/fresh_build.py (build.py puts it on sys.path)

A1, A2, A3 = "a01_novel_reservoir.txt", "a02_novel_shantytown_trad.txt", "a03_news_elevators.txt"
A4, A5, A6 = "a04_plan_childcare.txt", "a05_minutes_county_executive.txt", "a06_speech_safety.txt"


def rows() -> list[dict]:
    return [
        # a01: a mayor at a leaking reservoir (a village visit, a meeting where five people speak, five orders,
        # a county secretary's plea in the corridor)
        q("蔺守拙在青簖水库的会上讲了哪几点意见？", "list", A1,
          all=["一百一十米以下", "二十四小时专人值守", "转移实战演练", "八月底之前报到省里",
               "预备费里安排应急抢险资金"]),
        q("蔺守拙问加固的钱省里怎么说，覃一帆是怎么回答的？", "dialogue", A1,
          all=["八千六百万元", "等初步设计批下来再谈"]),
        q("市长问渡口村出了事多长时间能把人撤完，尤金发怎么说的？", "dialogue", A1,
          all=["白天的话，一个钟头差不多", "那就不好说了"]),
        q("蔺守拙问三类坝是什么意思，覃一帆怎么解释的？", "dialogue", A1, all=["病险水库", "限制蓄水"]),
        q("青簖水库的总库容是多少？", "number", A1, ans=["三千二百万立方米"]),
        q("雍守田在走廊里向市长恳请什么？", "attitude", A1, all=["主要责任在我", "先追我的"]),
        q("对雍守田替祁鸣远揽责任，蔺守拙是什么态度？", "attitude", A1, all=["不是谁抢着担就算谁的", "要看事实"]),
        q("去年发现渗水以后县里为什么没有往上报？", "why_how", A1, all=["觉得问题不大"]),
        q("青簖水库渗水点现在冒的是浑水吗？", "yes_no", A1, all=["目前还是清水"]),
        q("What did Mayor Lin order about the water level of the Qingduan Reservoir?", "list", A1,
          all=["一百一十米以下"], any=["提前通知下游"], lang="en"),
        q("Who is Mayor Lin Shouzhuo's secretary?", "who", A1, ans=["覃一帆"], lang="en"),
        q("市长定的水位比省里的要求低多少？", "followup", A1, ans=["再低两米"],
          history=["省里对青簖水库汛期蓄水位有什么要求？"]),
        q("青簖水库除险加固省里补助多少钱？", "unanswerable", A1, topic=["省里可以补助一部分"]),
        q("祁鸣远最后受到了什么处分？", "unanswerable", A1, topic=["祁县长这回会不会被处分"]),

        # a02: traditional; a county head and the last household of a demolished street, a party-group meeting
        q("榆钱巷片区一共有多少户？", "number", A2, ans=["四百零七户"]),
        q("鄢北辰问瞿福生为什么一定要两套房子，瞿福生怎么回答的？", "dialogue", A2,
          all=["明年就要转业回来", "落脚的地方"]),
        q("瞿福生要的五十万元现金是怎么算出来的？", "dialogue", A2, all=["孙女看病欠的钱"]),
        q("鄢北辰给瞿家提了哪三条解决办法？", "list", A2,
          all=["大病救助政策重新审核", "保障性住房", "安置小区的一楼"]),
        q("瞿福生家的房子是哪一年盖的？", "when", A2, ans=["一九八三年"]),
        q("负责榆钱巷片区的副镇长叫什么？", "who", A2, ans=["甄晓岚"]),
        q("党组会上骆清扬对通报是什么意见？", "attitude", A2, all=["我主张全县通报"]),
        q("卜敬山建议怎么处理榆钱巷片区的问题？", "attitude", A2, all=["书面检查", "不搞全县通报"]),
        q("枫林苑安置小区一共有多少套房？", "number", A2, ans=["一干二百六十套"]),
        q("枫林苑安置小区建在哪里？", "where", A2, ans=["城南新区"]),
        q("What did County Head Yan tell Qu Fusheng about the compensation scheme?", "attitude", A2,
          all=["不能给您一家开口子"], lang="en"),
        q("县里最后怎么处理她？", "followup", A2, all=["组织部门按文华同志的意见谈话"],
          history=["漆永年在车窗边替谁求情？"]),
        q("榆钱巷的群众什么时候能搬进枫林苑？", "unanswerable", A2, topic=["正在抓紧建设"]),

        # a03: municipal news on lift installation in old buildings (figures, quotes, a coordination meeting)
        q("淇川今年计划为老旧小区加装多少部电梯？", "number", A3, ans=["300部"]),
        q("加装电梯的审批流程做了哪些简化？", "list", A3,
          all=["一窗受理、并联审批", "15个工作日以内", "不再需要办理建设用地规划许可"]),
        q("秦伯涛后来为什么同意签字？", "why_how", A3, all=["往东移了1.2米"]),
        q("棠梨园小区7号楼6楼每户出资多少？", "number", A3, ans=["4.8万元"]),
        q("芮思齐对长期协商不成的单元有什么建议？", "attitude", A3, all=["听证", "第三方评估"]),
        q("推进会上水务集团和燃气公司分别作了什么表态？", "list", A3,
          all=["免收设计费", "绿色通道", "按成本价收取"]),
        q("南塘区首个共享电梯项目落在哪个小区？", "where", A3, ans=["河西新村"]),
        q("加装电梯还要缴纳城市基础设施配套费吗？", "yes_no", A3, all=["也不需要缴纳城市基础设施配套费"]),
        q("How much does one ride cost in Nantang's shared elevators?", "number", A3, ans=["0.5元"], lang="en"),
        q("Who is the party secretary of Qingshi Subdistrict?", "who", A3, ans=["庞瑞青"], lang="en"),
        q("县级财政每部再配套补贴多少？", "followup", A3, ans=["3万元"], history=["宜平县今年计划加装多少部电梯？"]),
        q("加装电梯后期运维管理办法什么时候出台？", "unanswerable", A3, topic=["办法出台的具体时间另行公布"]),
        q("管线迁改的费用最后定下来由谁承担？", "unanswerable", A3, topic=["并没有形成统一意见"]),

        # a04: district work plan on childcare (一、（一）1., targets, responsible units, a subsidy "另行制定")
        q("在降低托育服务成本方面，方案提出了哪几项措施？", "list", A4,
          all=["普惠托育运营补贴", "场地和税费优惠", "收费指导价"]),
        q("普惠性托育机构全日托每月收费不超过多少？", "number", A4, ans=["2800元"]),
        q("区级托育服务信息平台要在什么时候建成？", "when", A4, ans=["2026年6月底前"]),
        q("鼓励用人单位办托由哪些单位负责？", "who", A4, all=["区总工会、区经济开发区管委会"]),
        q("哪几个街道率先建成综合托育服务中心？", "where", A4, all=["东津、柳林、清溪3个街道"]),
        q("利用国有资产设立的普惠性托育机构要交租金吗？", "yes_no", A4, all=["3年内免收租金"]),
        q("加强安全监管有哪几条措施？", "list", A4, all=["备案管理", "联合检查", "退出机制"]),
        q("How many children can a family childcare point take at most?", "number", A4, ans=["不超过5人"],
          lang="en"),
        q("When does the full-implementation stage of the Tanxi childcare plan run?", "when", A4,
          ans=["2025年6月—2026年12月"], lang="en"),
        q("新增托班托位多少个？", "followup", A4, ans=["不少于400个"], history=["幼儿园开设托班有什么目标？"]),
        q("普惠托育运营补贴每个托位每月补多少钱？", "unanswerable", A4,
          topic=["具体补贴标准由区卫生健康局会同区财政局另行制定"]),

        # a05: county executive meeting minutes (rural buses, markets, audit, flood season; several speakers)
        q("会议对农村客运班线公交化改造作了哪些决定？", "list", A5,
          all=["3条线路开展试点", "统一为2元", "试点运行3个月后进行评估"]),
        q("卞宏远对农村客运公交化改造是什么态度？", "attitude", A5,
          all=["方向是对的", "算清财政账", "先选择客流量大的线路试点"]),
        q("毋春华对只改赚钱线路怎么看？", "attitude", A5, all=["不能因为亏损就只改赚钱的线路"]),
        q("公交化改造后每年需要多少运营补贴？", "number", A5, ans=["1600万元"]),
        q("城北农贸市场改造期间临时过渡市场设在哪儿？", "where", A5, ans=["城北体育场东侧停车场"]),
        q("哪位副县长请假没参加这次常务会议？", "who", A5, ans=["左丽君"]),
        q("试点线路从什么时候开始按城乡公交模式运行？", "when", A5, ans=["8月1日起"]),
        q("关于防汛，会议决定了哪几件事？", "list", A5,
          all=["不得离县", "7月5日前全部完成应急广播安装", "超过27厘米", "7月10日前组织一次全县防汛应急演练"]),
        q("Who proposed giving each geological hazard site an emergency broadcast and a gong?", "who", A5,
          ans=["宓广川"], lang="en"),
        q("How many bus routes will Weichuan pilot as urban-rural buses?", "number", A5, ans=["3条线路"],
          lang="en"),
        q("涉及的是什么问题？", "followup", A5, all=["土地出让收入"],
          history=["两个历史遗留的审计问题由谁牵头解决？"]),
        q("城东农贸市场也由县城投公司改造吗？", "yes_no", A5, all=["由市场经营者自行实施"]),
        q("城北农贸市场改造要投资多少钱？", "unanswerable", A5, topic=["具体投资规模"]),

        # a06: a city party secretary's speech transcript (three points, four fields, three sentences, an exchange)
        q("司徒慕华在讲话中讲了哪三点意见？", "list", A6,
          all=["清醒认识当前安全生产的严峻形势", "突出抓好重点领域的风险整治", "层层压实安全生产责任"]),
        q("重点领域的风险整治包括哪几个方面？", "list", A6, all=["城镇燃气", "自建房", "建筑施工", "防汛"]),
        q("压实安全生产责任讲了哪三句话？", "list", A6,
          all=["党政同责不能只挂在墙上", "企业主体责任要压到最后一公里", "问责要动真格"]),
        q("沙渡县石材加工厂的事故是哪天发生的？", "when", A6, ans=["5月19日"]),
        q("书记问石材厂事故处理到哪一步了，雍守田怎么回答的？", "dialogue", A6, all=["停产整顿", "公安机关控制"]),
        q("书记问石材企业的起重设备有没有定期检验，雍守田怎么说？", "dialogue", A6, all=["超期没有检验"]),
        q("存在安全隐患的经营性自建房有多少栋？", "number", A6, ans=["一千零四十栋"]),
        q("对有人说自建房整治“慢慢来”，司徒慕华是什么态度？", "attitude", A6,
          all=["房子塌下来的时候不会跟你慢慢来"]),
        q("What did Secretary Situ require of restaurants on gas safety?", "list", A6,
          all=["燃气泄漏报警装置"], lang="en"),
        q("What happens to a district that has a serious production accident this year?", "why_how", A6,
          all=["不能评为优秀", "书面检查"], lang="en"),
        q("每一座由谁包保？", "followup", A6, all=["市级领导包保"], history=["岑州全市还有多少座病险水库？"]),
        q("这篇讲话稿经过本人审阅了吗？", "yes_no", A6, all=["未经本人审阅"]),
        q("市财政安排的安全生产专项资金是多少？", "unanswerable", A6, topic=["具体额度待市政府常务会议研究确定"]),

        # off-topic: the documents do not cover these at all
        q("淇川地铁二号线什么时候通车？", "unanswerable", A3),
        q("檀溪区有几所三甲医院？", "unanswerable", A4),
        q("How many tourists visited Cenzhou during the Spring Festival?", "unanswerable", A6, lang="en"),
    ]
