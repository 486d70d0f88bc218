"""Questions of bench/genre-fresh4, written from the six documents alone (held out: never tune on them).
Phrases may be written in simplified Chinese; build.py locates them in the folded document and stores the
document's own slice. Unanswerable rows name the document whose topic they ask about (`doc`) and a topic
phrase that is in it; the asked figure, date or name is not."""
from __future__ import annotations

from fresh_build import q

D1 = "d01_novel_danger_bridge.txt"
D2 = "d02_novel_reservoir_move_trad.txt"
D3 = "d03_news_elevator_retrofit.txt"
D4 = "d04_plan_waterlogging.txt"
D5 = "d05_minutes_county_executive.txt"
D6 = "d06_press_school_enrollment.txt"


def rows() -> list[dict]:
    return [
        # d01: county secretary at a closed bridge, a meeting, a phone call
        q("戚远舟问柳荫桥上一次检测是什么时候，卜正林是怎么回答的？", "dialogue", D1,
          all=["前年十月", "三类桥"]),
        q("戚书记问限载的牌子立了没有、限多少吨，卜局长后来怎么说的？", "dialogue", D1,
          all=["限二十吨", "晚上没有人看着"]),
        q("When Secretary Qi asked whether Fengping Road can take heavy trucks, what did Lu Xiaolan answer?",
          "dialogue", D1, all=["大车能走", "多绕六公里"], lang="en"),
        q("邬海平问要不要先跟市交通局打个招呼，戚远舟怎么说？", "dialogue", D1,
          all=["下午我亲自给褚局长打电话"]),
        q("为什么封桥的决定是在夜里做的，而不是等到白天先通知群众再封？", "why_how", D1,
          all=["裂缝一天之内扩大了两毫米", "夜里车流量最小"]),
        q("去年的桥梁养护资金为什么没有花完？", "why_how", D1, all=["招标流拍了两次"]),
        q("Why did Secretary Qi not want Bu Zhenglin held accountable right away?", "why_how", D1,
          all=["加固方案谁来做", "先干活"], lang="en"),
        q("去年县里给交通局安排了多少桥梁养护资金？花出去了多少？", "number", D1,
          all=["三百八十万", "一百二十万"]),
        q("戚远舟在县委小会议室讲的三件事是什么？", "list", D1,
          all=["五天之内拿出来", "加派警力", "十七座三类桥"]),
        q("What did Secretary Qi order about the crack monitoring and guarding the bridge before the weekend rain?",
          "list", D1, all=["每两个小时一次", "城关派出所"], lang="en"),
        q("全县另外的三类桥要在什么时候之前排查完？", "when", D1, all=["本月二十五日之前"]),
        q("三类桥排查由谁来总负责？", "who", D1, all=["鲁晓岚"]),
        q("桥头卖早点的老姚对封桥是什么态度？", "attitude", D1, all=["封了好", "上学要绕远路"]),
        q("柳荫桥沿线不看手机的老人通知到了吗？", "yes_no", D1, all=["挨家挨户敲了门"]),
        q("他请市局帮什么忙？", "followup", D1, all=["两位桥梁专家"],
          history=["戚远舟下午给市交通运输局局长打电话了吗？"]),
        q("柳荫桥加固一共要花多少钱？", "unanswerable", D1, topic=["加固要花多少钱"]),

        # d02 (traditional, OCR noise): a mayor and the last households of a reservoir relocation
        q("鹭岭乡一共要搬迁多少户？已经签约多少户？", "number", D2, all=["二百一十六户", "一百九十户"]),
        q("聂承宇问县里的果树补偿标准是多少，阮青是怎么回答的？", "dialogue", D2,
          all=["每棵赔一百八十元", "每棵赔二百二十元"]),
        q("邝德贵为什么不肯签字，他是怎么说的？", "dialogue", D2, all=["还不够两年的收成"]),
        q("When Tan Xiuying asked how her disabled son would manage the stairs, what did Mayor Nie decide?",
          "dialogue", D2, all=["一楼优先分给他们"], lang="en"),
        q("为什么这二十六户的问题拖到现在才报上来？", "why_how", D2,
          all=["先把好做工作的签下来", "工作不力"]),
        q("Why had the fruit-tree compensation standard not been changed for three years, according to Ruan Qing?",
          "why_how", D2, all=["财政确实紧", "攀比"], lang="en"),
        q("谭秀英放不下的两件事是什么？", "list", D2, all=["祖坟在库区里", "上下楼怎么办"]),
        q("聂市长在乡政府短会上提了哪几条意见？", "list", D2,
          all=["第三方评估机构", "按新标准补差", "十月底之前全部搬完"]),
        q("安置点的学校什么时候能用上？", "when", D2, all=["九月一日"]),
        q("云台水库大坝加高工程什么时候开工？", "when", D2, all=["明年三月开工"]),
        q("移民安置点建在哪里？", "where", D2, all=["乡政府东边的缓坡上"]),
        q("明天带人把二十六户的果树再点一遍数的是谁？", "who", D2, all=["时雨桐"]),
        q("聂承宇对邝德贵算的那笔账是什么态度？", "attitude", D2, all=["你的账算得没错"]),
        q("What was Mayor Nie's parting advice to Ke Wangchuan?", "attitude", D2,
          all=["不要怕把问题摆到桌面上"], lang="en"),
        q("已经签约的一百九十户能按新标准补差吗？", "yes_no", D2, all=["也要按新标准补差"]),
        q("补差的钱市里和县里各出多少？", "unanswerable", D2, topic=["补差的钱"]),
        q("重新评估以后，板栗树的新补偿标准是每棵多少钱？", "unanswerable", D2, topic=["第三方评估机构"]),

        # d03: municipal news, elevators in old estates
        q("截至5月底，今年全市老旧小区完成加装电梯多少部？", "number", D3, all=["412部"]),
        q("每部加装电梯市级补贴多少？区级再配套多少？", "number", D3, all=["20万元", "5万元"]),
        q("How much did each sixth-floor household of Building 7 in Guixiangli pay for the elevator?", "number", D3,
          all=["4.8万元"], lang="en"),
        q("“一键申报”平台什么时候上线？", "when", D3, all=["7月1日"]),
        q("第三批“成片推进”试点选了哪几个小区？", "list", D3, all=["桂香里", "松涛苑", "梧桐湾"]),
        q("管线迁移的费用是怎么分担的？", "why_how", D3, all=["管线产权单位承担一半"]),
        q("一楼住户雷先生对加装电梯是什么态度？", "attitude", D3, all=["我不是反对装电梯", "一楼的损失谁来补"]),
        q("住在六楼的方秋华怎么看加装电梯？", "attitude", D3, all=["天天下楼去菜场"]),
        q("Can residents use their housing provident fund to pay for an elevator?", "yes_no", D3,
          all=["提取住房公积金用于加装电梯"], lang="en"),
        q("西津区的“电梯管家”模式会在全市推开吗？", "yes_no", D3, all=["年底进行评估后决定"]),
        q("说“装的是电梯，连的是民心”的是谁？", "who", D3, all=["洪一帆"]),
        q("后来是怎么解决的？", "followup", D3, all=["凑出3万元"],
          history=["桂香里7号楼一楼的住户为什么不愿意装电梯？"]),
        q("低层住户补偿的参考区间是多少？", "unanswerable", D3, topic=["参考区间"]),
        q("第三批成片推进试点什么时候完工？", "unanswerable", D3, topic=["第三批试点的具体完工时间"]),
        q("明年每部电梯的市级补贴调整为多少？", "unanswerable", D3, topic=["明年的补贴标准"]),

        # d04: district work plan, waterlogging spots
        q("方案认为造成积水的主要原因有哪些？", "list", D4,
          all=["管径偏小", "雨污合流", "缺少强排设施", "占压排水管道"]),
        q("排涝应急物资要配备哪些？", "list", D4, all=["移动泵车6台", "大功率水泵40台", "沙袋2万个"]),
        q("管网普查要在什么时候前完成？", "when", D4, all=["2027年4月15日前"]),
        q("By what date must the district's waterlogging emergency plan be revised?", "when", D4,
          all=["2027年4月20日前"], lang="en"),
        q("老旧管网改造要新建改造多少公里雨水管网？老城片区占多少？", "number", D4, all=["26公里", "18公里"]),
        q("新建的强排泵站建在哪里？", "where", D4, all=["火车站北广场下穿通道"]),
        q("Who heads the leading group for the waterlogging work, and where is its office?", "who", D4,
          all=["由区长任组长", "办公室设在区城市管理局"], lang="en"),
        q("要在多长时间内把人转移完？", "followup", D4, all=["2小时内"],
          history=["遇到红色预警，老城片区地下车库那些重点部位怎么办？"]),
        q("市级补助资金具体有多少？", "unanswerable", D4, topic=["市级补助资金的具体数额"]),

        # d05: county executive meeting minutes
        q("农贸市场改造用什么方式施工，车立言和闵卓各是什么意见？", "attitude", D5,
          all=["工期约6个月", "边营业边改造"]),
        q("俞可欣对新增校车有什么看法？", "attitude", D5, all=["还要养得起"]),
        q("What was Vice County Head Wei Donglai's view on the garbage transfer station site?", "attitude", D5,
          all=["不足200米", "两个备选地址"], lang="en"),
        q("关于农贸市场改造，会议作了哪些决定？", "list", D5,
          all=["分区改造、不闭市", "临时过渡摊位", "2028年1月20日前完工"]),
        q("Which matters did the meeting leave for later study or postpone?", "list", D5,
          all=["运营补贴标准", "山区补贴办法", "选址暂不确定", "该事项暂缓"], lang="en"),
        q("农贸市场改造要在什么时候完工？", "when", D5, all=["2028年1月20日前"]),
        q("施工期间临时过渡摊位设在哪里？", "where", D5, all=["县体育馆东侧停车场"]),
        q("新增多少辆校车？购置费用大约多少？", "number", D5, all=["12辆", "540万元"]),
        q("住建局为什么建议把垃圾中转站建在滨河路北段？", "why_how", D5, all=["国有存量土地", "不用穿过主城区"]),
        q("这次常务会议的记录人是谁？", "who", D5, all=["庄小棠"]),
        q("县城停车收费调整的事会上通过了吗？", "yes_no", D5, all=["该事项暂缓"]),
        q("新增线路要在什么时候前踏勘完？", "followup", D5, all=["8月20日前"],
          history=["瓯岭县这次常务会同意新增校车了吗？"]),
        q("校车运营补贴标准是多少？", "unanswerable", D5, topic=["校车运营补贴标准"]),
        q("市场改造资金县财政和供销社各承担多少比例？", "unanswerable", D5, topic=["具体分担比例"]),

        # d06: press conference, school enrollment
        q("榆川日报记者问新增学位够不够，苗志恒怎么回答的？", "dialogue", D6,
          all=["今年的学位是够的", "小学学位仍然偏紧"]),
        q("电视台记者问随迁子女入学条件有没有变化，覃力是怎么说的？", "dialogue", D6,
          all=["今年调整为满半年", "社会保险满半年"]),
        q("城中区为什么要试行“多校划片”？", "why_how", D6, all=["房价被炒得很高", "教育公平"]),
        q("多校划片具体是怎么操作的？", "why_how", D6, all=["电脑随机派位", "由公证机构公证"]),
        q("What three things did the education bureau do to cope with the enrollment peak?", "list", D6,
          all=["新增学位8600个", "多校划片", "网上报名"], lang="en"),
        q("民办学校摇号是哪一天？", "when", D6, all=["7月20日上午"]),
        q("今年预计小学一年级招生多少人？", "number", D6, all=["4.26万人"]),
        q("明年“多校划片”会扩大到其他区吗？", "yes_no", D6, all=["目前还没有定"]),
        q("What did Director Miao warn parents about people who offer to help get a school place?", "attitude", D6,
          all=["都是骗局"], lang="en"),
        q("这6年从什么时候开始算？", "followup", D6, all=["第一次被用于入学登记的那一年"],
          history=["今年对“一房一学位”有什么新规定？"]),
        q("区教育局多久给答复？", "followup", D6, all=["10个工作日内"],
          history=["家长对录取结果有异议怎么办？"]),
        q("今年秋季课后服务每个学生收多少钱？", "unanswerable", D6, topic=["课后服务"]),

        # off-topic for the whole set
        q("青岙县有哪些值得去的旅游景点？", "unanswerable", D1, topic=["青岙县"]),
        q("How do I renew my passport in Yuanmei?", "unanswerable", D3, topic=[]),
    ]
