"""The held-out questions of bench/genre-fresh3, one dict per question (keys as in bench/genre/src/build.py:
q, kind, doc, ans, all, any, history, lang, topic). Written from the documents alone, without looking at how
the answer composer works. Phrases may be simplified Chinese; build.py maps them onto the document's script.
"""

from fresh_build import q  # bench/genre/src/fresh_build.py (build.py puts it on sys.path)

B1, B2, B3 = "b01_novel_chemical_project.txt", "b02_novel_flood_township_trad.txt", "b03_news_bus_network.txt"
B4, B5, B6 = "b04_plan_rural_sewage.txt", "b05_minutes_subdistrict_joint.txt", "b06_press_heating.txt"


def rows() -> list[dict]:
    return [
        # b01: a mayor questions an investor (three questions answered), a lakeside visit, a standing committee
        # where six people give their view
        q("扈长风问宗家明为什么选白沙湖，宗家明是怎么回答的？", "dialogue", B1,
          all=["每天要取水三万吨", "西片区没有水源"]),
        q("市长问排水怎么办，宗总怎么说？", "dialogue", B1, all=["零排放工艺", "不向白沙湖排一滴水"]),
        q("扈长风问项目放到西片区恒澄还来不来，宗家明怎么回答的？", "dialogue", B1,
          all=["百分之十二左右", "我个人愿意去争取"]),
        q("恒澄化工计划在濉阳投资多少？", "number", B1, ans=["六十八亿元"]),
        q("郝成钧在常委会上主张项目放在哪里？", "attitude", B1, all=["项目放在东岸片区"]),
        q("汲文博对项目选址是什么态度？", "attitude", B1, all=["我反对放在东岸"]),
        q("上官岚在常委会上提了什么意见？", "attitude", B1, all=["土地零地价这样的条件，我们不能跟着别人开"]),
        q("龚砚秋在常委会上补充了哪两条？", "list", B1, all=["再跟恒澄谈一次", "环湖路危化品车辆通行的问题"]),
        q("What was Mayor Hu Changfeng's position on where the Hengcheng project should go?", "attitude", B1,
          all=["必须放在西片区"], lang="en"),
        q("Who heads Suiyang's ecology and environment bureau?", "who", B1, ans=["籍文远"], lang="en"),
        q("那要把配套做起来需要多久？", "followup", B1, ans=["快的话一年半"],
          history=["濉阳开发区西片区现在入驻了多少家企业？"]),
        q("恒澄化工董事会最后同意把项目放到西片区了吗？", "unanswerable", B1, topic=["电话里没有说"]),

        # b02: traditional; a township after a dyke breach: a county secretary's visit, four orders, a village
        # secretary's plea, the township's evening meeting
        q("宇文涛在磨盘村的短会上讲了哪几条？", "list", B2,
          all=["生活一定要保障好", "卫生防疫", "三天之内派人来鉴定", "两百万元应急资金"]),
        q("仉伯谦在乡党委扩大会议上说了哪三件事？", "list", B2, all=["一个都不许回去住", "党员突击队", "张榜公布"]),
        q("鹿溪乡受灾人口有多少？", "number", B2, ans=["三千八百人"]),
        q("宇文涛问决口什么时候能堵上，滕立春怎么回答的？", "dialogue", B2,
          all=["今天天黑之前能完成临时封堵", "大概需要两个月"]),
        q("磨盘村决口的这段河堤是哪一年修的？", "when", B2, ans=["二〇二二年"]),
        q("严大山向宇文涛求了什么？", "attitude", B2, all=["不能让干事的人寒了心"]),
        q("宇文涛对严大山替归海宁说情是什么态度？", "attitude", B2,
          all=["该表扬的表扬，该追责的追责", "两件事分开说"]),
        q("磨盘村这段河堤为什么会决口？", "why_how", B2, all=["十年一遇", "超过二十年一遇"]),
        q("宇文涛的秘书叫什么名字？", "who", B2, ans=["宗政远"]),
        q("How much emergency money did the county first give Luxi Township?", "number", B2, ans=["两百万元"],
          lang="en"),
        q("What did Zhang Boqian promise the old woman about her pigs?", "dialogue", B2, all=["我让民兵去看"],
          lang="en"),
        q("这笔钱够用吗？", "followup", B2, all=["一个月就要一百三十万左右"], history=["县里给了鹿溪乡多少应急资金？"]),
        q("磨盘村这次转移有人伤亡吗？", "yes_no", B2, all=["没有一个人伤亡"]),
        q("鹿溪乡灾后重建一共需要多少钱？", "unanswerable", B2, topic=["灾后重建到底需要多少钱"]),

        # b03: municipal news on a bus-network overhaul (figures, three batches, residents' views, a reply)
        q("这次公交线网调整撤销、调整和新开了多少条线路？", "list", B3,
          all=["撤销线路15条", "合并、截短、延伸调整线路23条", "新开线路12条"]),
        q("调整后中心城区公交线路一共多少条？", "number", B3, ans=["183条"]),
        q("新线网从什么时候开始实施？", "when", B3, ans=["9月1日起"]),
        q("为什么要调整漾州的老公交线网？", "why_how", B3, all=["扎堆在老城区的几条主干道上", "覆盖不足"]),
        q("冼玉兰担心5路车撤销后去医院不方便，冉建国是怎么回应的？", "dialogue", B3,
          all=["微循环线路W3覆盖", "发车间隔8分钟"]),
        q("线网调整以后公交票价要涨吗？", "yes_no", B3, all=["此次调整不作变动"]),
        q("漾州市公交集团的总经理是谁？", "who", B3, ans=["蒲东岳"]),
        q("原计划设在中山公园的公交首末站改到了哪里？", "where", B3, ans=["公园北侧的停车场"]),
        q("沐春阳对线网优化有什么看法？", "attitude", B3, all=["一锤子买卖", "实施后三个月进行一次评估"]),
        q("How much did Yangzhou's bus group lose in 2024?", "number", B3, ans=["4.3亿元"], lang="en"),
        q("When does the third batch of bus route changes take effect?", "when", B3, ans=["11月1日起"], lang="en"),
        q("她还担心什么？", "followup", B3, all=["末班车时间"], history=["阎晓彤说快线K2从高铁新城到市中心要多久？"]),
        q("漾州定制公交什么时候开通？", "unanswerable", B3, topic=["开通时间和线路尚未确定"]),
        q("When will the new bus lanes on Jianshe Avenue be painted?", "unanswerable", B3, lang="en",
          topic=["具体施划时间将另行公告"]),

        # b04: county three-year plan on rural sewage (一、（一）1., targets, lead units, funding; a ratio "另行通知")
        q("分类推进农村污水治理有哪几种方式？", "list", B4,
          all=["城镇周边村庄纳管治理", "人口集中村庄集中处理", "分散村庄资源化利用"]),
        q("三年内要建设多少座村级污水处理站？", "number", B4, ans=["65座"]),
        q("三年行动计划总投资多少？", "number", B4, ans=["4.2亿元"]),
        q("健全长效管护机制有哪几条措施？", "list", B4, all=["专业化运维", "监管平台", "农户付费制度"]),
        q("县财政对设施运维每吨水每年补助不超过多少？", "number", B4, ans=["180元"]),
        q("已建污水处理设施的排查要在什么时候前完成？", "when", B4, ans=["2025年6月底前"]),
        q("2025年首批示范村从哪几个乡镇里选？", "where", B4, all=["溪口镇、桃林镇和白鹭湾乡"]),
        q("污水治理领导小组的组长是分管副县长吗？", "yes_no", B4, all=["由县长任组长"]),
        q("How many administrative villages does Liaochuan County have?", "number", B4, ans=["213个"], lang="en"),
        q("What reward does a village get for an outstanding model-village project?", "number", B4, ans=["50万元"],
          lang="en"),
        q("20吨以下的呢？", "followup", B4, all=["不低于20%的比例进行抽测"],
          history=["日处理能力20吨以上的污水设施每年做几次水质监测？"]),
        q("各乡镇的配套资金比例是多少？", "unanswerable", B4, topic=["配套比例由县财政局另行通知"]),

        # b05: subdistrict joint meeting minutes (charging, property management, illegal structures, meal points)
        q("关于电动自行车充电，会议决定了哪几件事？", "list", B5,
          all=["新增集中充电口4000个", "每度电不超过0.8元", "充电联合整治"]),
        q("仲秋实对老旧小区物业管理提了哪些要求？", "list", B5, all=["物业管理模式认定", "红色物业", "运营补助"]),
        q("邬小满对兴华路商铺拆除提出了什么请求？", "attitude", B5, all=["过渡期", "临时经营场所"]),
        q("冀红英对兴华路违建整治是什么态度？", "attitude", B5, all=["违建整治要一视同仁"]),
        q("枣林社区的楼道火灾是什么时候发生的？", "when", B5, ans=["8月12日凌晨"]),
        q("枣林社区那起楼道火灾是怎么引起的？", "why_how", B5, all=["从楼上“飞线”充电"]),
        q("桑园小区的物业费收缴率是多少？", "number", B5, ans=["58%"]),
        q("兴华路商户要在什么时候之前自行拆除违建？", "when", B5, ans=["11月30日前"]),
        q("奚春雷建议把桑园助餐点搬到哪里？", "where", B5, ans=["社区卫生服务站旁边"]),
        q("Who suggested embedded charging cabinets along compound walls and green belts?", "who", B5,
          ans=["盖文涛"], lang="en"),
        q("What did the meeting decide about the Dongli and Sangyuan meal points?", "list", B5,
          all=["暂不撤销", "重新招引运营企业"], lang="en"),
        q("其中“三无”小区有几个？", "followup", B5, ans=["17个"], history=["青萝街道辖区有多少个老旧小区？"]),
        q("接管老旧小区的物业企业，街道每年补助多少钱？", "unanswerable", B5,
          topic=["补助标准和办法由街道经济发展办会同财政所另行研究提出"]),
        q("街道消防救援站站长叫什么名字？", "unanswerable", B5, topic=["街道消防救援站站长说"]),

        # b06: a press conference transcript on winter heating (reporters ask, officials answer, follow-ups)
        q("今年濉阳的供暖季从什么时候到什么时候？", "when", B6, ans=["11月15日至次年3月15日"]),
        q("今年供热准备重点做了哪三件事？", "list", B6, all=["老旧供热管网改造186公里", "智能化改造", "一户一测温"]),
        q("濉阳日报记者问今年供暖价格会不会调整，褚文岚怎么回答的？", "dialogue", B6, all=["不作调整", "24元"]),
        q("记者问去年供暖不热投诉多、今年怎么保证热得起来，荀立峰是怎么说的？", "dialogue", B6,
          all=["管网改造和换热站智能化改造", "首问负责制", "退还相应供暖费"]),
        q("医院和养老院可以比居民提前供暖吗？", "yes_no", B6, all=["最早从11月1日开始供暖"]),
        q("空置房申请停暖要交多少基本热费？", "number", B6, ans=["供暖费的20%"]),
        q("濉阳热力集团的董事长是谁？", "who", B6, ans=["荀立峰"]),
        q("How many heating complaints did the heating group receive last season?", "number", B6, ans=["9870件"],
          lang="en"),
        q("What clean heat-source projects did Chu Wenlan describe?", "list", B6, all=["余热", "中深层地热"],
          lang="en"),
        q("抢修队伍一共多少人？", "followup", B6, ans=["460人"], history=["濉阳9座热源厂有几座实现了管网互联？"]),
        q("扈长风市长对今冬供暖作了什么批示？", "attitude", B6, all=["作为头等大事来抓"]),
        q("退费的标准具体是多少？", "unanswerable", B6, history=["室温不达标的可以退供暖费吗？"],
          topic=["具体的退费办法正在和市城管局、市发改委一起研究"]),
        q("没接入集中供暖的低保户每户能拿多少取暖补贴？", "unanswerable", B6,
          topic=["补贴的具体标准由市民政局会同市财政局确定"]),

        # off-topic or not given: the documents do not answer these
        q("漾州地铁3号线什么时候开通运营？", "unanswerable", B3, topic=["地铁3号线首列车下线"]),
        q("濉阳市明年的最低工资标准是多少？", "unanswerable", B6),
        q("How many hospitals are there in Liaochuan County?", "unanswerable", B4, lang="en"),
    ]
