"""FlowSpec NLRI (RFC 8955, RFC 8956): decode, pack, 5.0's text/JSON, match syntax.

The expected JSON below is what ExaBGP 5.0.15 prints (``exabgp decode``) for
the NLRI of the reference encoding messages (conf-flow.msg,
conf-flow-redirect.msg), the decoding vectors bgp-flow-1..4 and our own
crafted NLRI; the expected bytes of the CONFIG cases are what 5.0.15 encodes
for the same match blocks (``exabgp validate -nrv``).  When the reference
tree (``../shared``) is present, the tests also read it and check that the
recorded data is the data of those files.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exabgp._codec.errors import CodecError
from exabgp.bgp.flow import (
    COMPONENTS,
    KEYWORDS,
    NUMERIC,
    PREFIX,
    WIRE_MAXIMUM,
    Flow,
    build,
    decode_flows,
    parse_component,
)
from qa.hypothesis_profiles import examples


RD_65535_65536 = bytes.fromhex("0000FFFF00010000")

CRAFTED = [
    (
        1,
        133,
        "110A00010102020303040405050606078708",
        '{ "packet-length": [ "false", "=2", ">3", ">=4", "<5", "<=6", "!=7", "true" ], "string": "flow packet-length [ false =2 >3 >=4 <5 <=6 !=7 true ]" }',
    ),
    (
        1,
        133,
        "090A010500014708C000",
        '{ "packet-length": [ "=5", "false&true8&false0" ], "string": "flow packet-length [ =5 false&true8&false0 ]" }',
    ),
    (
        1,
        133,
        "130A01054001410242034304440545064607C708",
        '{ "packet-length": [ "=5&false1&=2&>3&>=4&<5&<=6&!=7&true8" ], "string": "flow packet-length [ =5&false1&=2&>3&>=4&<5&<=6&!=7&true8 ]" }',
    ),
    (1, 133, "030AC105", '{ "packet-length": [ "=5" ], "string": "flow packet-length =5" }'),
    (1, 133, "070A110100910001", '{ "packet-length": [ "=256", "=1" ], "string": "flow packet-length [ =256 =1 ]" }'),
    (
        1,
        133,
        "0F0A210000FFFFB10000000000000005",
        '{ "packet-length": [ "=65535", "=5" ], "string": "flow packet-length [ =65535 =5 ]" }',
    ),
    (
        1,
        133,
        "110900010002000400080010002000408080110C00010002000400080010002000408080",
        '{ "tcp-flags": [ "fin", "syn", "rst", "push", "ack", "urg", "ece", "cwr" ], "string": "flow tcp-flags [ fin syn rst push ack urg ece cwr ]" }, { "fragment": [ "dont-fragment", "is-fragment", "first-fragment", "last-fragment", "", "", "", "" ], "string": "flow fragment [ dont-fragment is-fragment first-fragment last-fragment     ]" }',
    ),
    (
        1,
        133,
        "1509100100100FFF010002030305400741074207C307",
        '{ "tcp-flags": [ "ns", "fin+syn+rst+push+ack+urg+ece+cwr+ns+unknown tcp flag type 4095", "=", "!fin+syn", "!=fin+rst&fin+syn+rst&=fin+syn+rst&!fin+syn+rst&!=fin+syn+rst" ], "string": "flow tcp-flags [ ns fin+syn+rst+push+ack+urg+ece+cwr+ns+unknown tcp flag type 4095 = !fin+syn !=fin+rst&fin+syn+rst&=fin+syn+rst&!fin+syn+rst&!=fin+syn+rst ]" }',
    ),
    (
        1,
        133,
        "130C000000FF010002030305400741074207C307",
        '{ "fragment": [ "", "dont-fragment+is-fragment+first-fragment+last-fragment", "=", "!dont-fragment+is-fragment", "!=dont-fragment+first-fragment&dont-fragment+is-fragment+first-fragment&=dont-fragment+is-fragment+first-fragment&!dont-fragment+is-fragment+first-fragment&!=dont-fragment+is-fragment+first-fragment" ], "string": "flow fragment [  dont-fragment+is-fragment+first-fragment+last-fragment = !dont-fragment+is-fragment !=dont-fragment+first-fragment&dont-fragment+is-fragment+first-fragment&=dont-fragment+is-fragment+first-fragment&!dont-fragment+is-fragment+first-fragment&!=dont-fragment+is-fragment+first-fragment ]" }',
    ),
    (
        1,
        133,
        "04099002000409900300",
        '{ "tcp-flags": [ "unknown tcp flag type 512" ], "string": "flow tcp-flags unknown tcp flag type 512" }, { "tcp-flags": [ "ns+unknown tcp flag type 768" ], "string": "flow tcp-flags ns+unknown tcp flag type 768" }',
    ),
    (1, 133, "060CA000010000", '{ "fragment": [ "" ], "string": "flow fragment " }'),
    (
        1,
        133,
        "030A880503098405",
        '{ "packet-length": [ "false" ], "string": "flow packet-length false" }, { "tcp-flags": [ "fin+rst" ], "string": "flow tcp-flags fin+rst" }',
    ),
    (
        1,
        133,
        "21030100010101020103010601080111012E012F013201330159015E0167018481FF",
        '{ "protocol": [ "=0", "=icmp", "=igmp", "=3", "=tcp", "=egp", "=udp", "=rsvp", "=gre", "=esp", "=ah", "=ospf", "=ipip", "=pim", "=sctp", "=255" ], "string": "flow protocol [ =0 =icmp =igmp =3 =tcp =egp =udp =rsvp =gre =esp =ah =ospf =ipip =pim =sctp =255 ]" }',
    ),
    (
        1,
        133,
        "2907010001010103010501080109010A010B010C010D010E010F01280129012A012B012C01FD01FE81FF",
        '{ "icmp-type": [ "=echo-reply", "=1", "=unreachable", "=redirect", "=echo-request", "=router-advertisement", "=router-solicit", "=time-exceeded", "=parameter-problem", "=timestamp", "=timestamp-reply", "=15", "=photuris", "=experimental-mobility", "=extended-echo-request", "=extended-echo-reply", "=44", "=experimental-one", "=experimental-two", "=255" ], "string": "flow icmp-type [ =echo-reply =1 =unreachable =redirect =echo-request =router-advertisement =router-solicit =time-exceeded =parameter-problem =timestamp =timestamp-reply =15 =photuris =experimental-mobility =extended-echo-request =extended-echo-reply =44 =experimental-one =experimental-two =255 ]" }',
    ),
    (1, 133, "070801000101C20F", '{ "icmp-code": [ "=0", "=1&>15" ], "string": "flow icmp-code [ =0 =1&>15 ]" }'),
    (
        1,
        133,
        "F201030100010101020103010401050106010701080109010A010B010C010D010E010F0110011101120113011401150116011701180119011A011B011C011D011E011F0120012101220123012401250126012701280129012A012B012C012D012E012F0130013101320133013401350136013701380139013A013B013C013D013E013F0140014101420143014401450146014701480149014A014B014C014D014E014F0150015101520153015401550156015701580159015A015B015C015D015E015F0160016101620163016401650166016701680169016A016B016C016D016E016F0170017101720173017401750176017701780179017A017B017C017D017E017F0180018101820183018401850186018701880189018A018B018C018D018E018F0190019101920193019401950196019701980199019A019B019C019D019E019F01A001A101A201A301A401A501A601A701A801A901AA01AB01AC01AD01AE01AF01B001B101B201B301B401B501B601B701B801B901BA01BB01BC01BD01BE01BF01C001C101C201C301C401C501C601C701C801C901CA01CB01CC01CD01CE01CF01D001D101D201D301D401D501D601D701D801D901DA01DB01DC01DD01DE01DF01E001E101E201E301E401E501E601E701E801E901EA01EB01EC01ED01EE01EF01F001F101F201F301F401F501F601F701F801F901FA01FB01FC01FD01FE81FF",
        '{ "protocol": [ "=0", "=icmp", "=igmp", "=3", "=4", "=5", "=tcp", "=7", "=egp", "=9", "=10", "=11", "=12", "=13", "=14", "=15", "=16", "=udp", "=18", "=19", "=20", "=21", "=22", "=23", "=24", "=25", "=26", "=27", "=28", "=29", "=30", "=31", "=32", "=33", "=34", "=35", "=36", "=37", "=38", "=39", "=40", "=41", "=42", "=43", "=44", "=45", "=rsvp", "=gre", "=48", "=49", "=esp", "=ah", "=52", "=53", "=54", "=55", "=56", "=57", "=58", "=59", "=60", "=61", "=62", "=63", "=64", "=65", "=66", "=67", "=68", "=69", "=70", "=71", "=72", "=73", "=74", "=75", "=76", "=77", "=78", "=79", "=80", "=81", "=82", "=83", "=84", "=85", "=86", "=87", "=88", "=ospf", "=90", "=91", "=92", "=93", "=ipip", "=95", "=96", "=97", "=98", "=99", "=100", "=101", "=102", "=pim", "=104", "=105", "=106", "=107", "=108", "=109", "=110", "=111", "=112", "=113", "=114", "=115", "=116", "=117", "=118", "=119", "=120", "=121", "=122", "=123", "=124", "=125", "=126", "=127", "=128", "=129", "=130", "=131", "=sctp", "=133", "=134", "=135", "=136", "=137", "=138", "=139", "=140", "=141", "=142", "=143", "=144", "=145", "=146", "=147", "=148", "=149", "=150", "=151", "=152", "=153", "=154", "=155", "=156", "=157", "=158", "=159", "=160", "=161", "=162", "=163", "=164", "=165", "=166", "=167", "=168", "=169", "=170", "=171", "=172", "=173", "=174", "=175", "=176", "=177", "=178", "=179", "=180", "=181", "=182", "=183", "=184", "=185", "=186", "=187", "=188", "=189", "=190", "=191", "=192", "=193", "=194", "=195", "=196", "=197", "=198", "=199", "=200", "=201", "=202", "=203", "=204", "=205", "=206", "=207", "=208", "=209", "=210", "=211", "=212", "=213", "=214", "=215", "=216", "=217", "=218", "=219", "=220", "=221", "=222", "=223", "=224", "=225", "=226", "=227", "=228", "=229", "=230", "=231", "=232", "=233", "=234", "=235", "=236", "=237", "=238", "=239", "=240", "=241", "=242", "=243", "=244", "=245", "=246", "=247", "=248", "=249", "=250", "=251", "=252", "=253", "=254", "=255" ], "string": "flow protocol [ =0 =icmp =igmp =3 =4 =5 =tcp =7 =egp =9 =10 =11 =12 =13 =14 =15 =16 =udp =18 =19 =20 =21 =22 =23 =24 =25 =26 =27 =28 =29 =30 =31 =32 =33 =34 =35 =36 =37 =38 =39 =40 =41 =42 =43 =44 =45 =rsvp =gre =48 =49 =esp =ah =52 =53 =54 =55 =56 =57 =58 =59 =60 =61 =62 =63 =64 =65 =66 =67 =68 =69 =70 =71 =72 =73 =74 =75 =76 =77 =78 =79 =80 =81 =82 =83 =84 =85 =86 =87 =88 =ospf =90 =91 =92 =93 =ipip =95 =96 =97 =98 =99 =100 =101 =102 =pim =104 =105 =106 =107 =108 =109 =110 =111 =112 =113 =114 =115 =116 =117 =118 =119 =120 =121 =122 =123 =124 =125 =126 =127 =128 =129 =130 =131 =sctp =133 =134 =135 =136 =137 =138 =139 =140 =141 =142 =143 =144 =145 =146 =147 =148 =149 =150 =151 =152 =153 =154 =155 =156 =157 =158 =159 =160 =161 =162 =163 =164 =165 =166 =167 =168 =169 =170 =171 =172 =173 =174 =175 =176 =177 =178 =179 =180 =181 =182 =183 =184 =185 =186 =187 =188 =189 =190 =191 =192 =193 =194 =195 =196 =197 =198 =199 =200 =201 =202 =203 =204 =205 =206 =207 =208 =209 =210 =211 =212 =213 =214 =215 =216 =217 =218 =219 =220 =221 =222 =223 =224 =225 =226 =227 =228 =229 =230 =231 =232 =233 =234 =235 =236 =237 =238 =239 =240 =241 =242 =243 =244 =245 =246 =247 =248 =249 =250 =251 =252 =253 =254 =255 ]" }',
    ),
    (
        1,
        133,
        "0502140A00FF020200",
        '{ "source-ipv4": [ "10.0.255.0/20" ], "string": "flow source-ipv4 10.0.255.0/20" }, { "source-ipv4": [ "0.0.0.0/0" ], "string": "flow source-ipv4 0.0.0.0/0" }',
    ),
    (
        1,
        133,
        "3601200A0000010220C0A80001038106040150911F9005121F90541F98910C3806920400078100088100090981020A81C80B812E0C8102",
        '{ "destination-ipv4": [ "10.0.0.1/32" ], "source-ipv4": [ "192.168.0.1/32" ], "protocol": [ "=tcp" ], "port": [ "=80", "=8080" ], "destination-port": [ ">8080&<8088", "=3128" ], "source-port": [ ">1024" ], "icmp-type": [ "=echo-reply" ], "icmp-code": [ "=0" ], "tcp-flags": [ "=fin+cwr", "!syn+push", "=push+ece+cwr" ], "dscp": [ "=46" ], "fragment": [ "=is-fragment" ], "string": "flow destination-ipv4 10.0.0.1/32 source-ipv4 192.168.0.1/32 protocol =tcp port [ =80 =8080 ] destination-port [ >8080&<8088 =3128 ] source-port >1024 icmp-type =echo-reply icmp-code =0 tcp-flags [ =fin+cwr !syn+push =push+ece+cwr ] dscp =46 fragment =is-fragment" }',
    ),
    (
        2,
        133,
        "060214000A00FF170180002A020B80001500007ACA39FFFEAEA87A028078010402807F80030200000702402011223344",
        '{ "source-ipv6": [ "a00:f000::/20/0" ], "string": "flow source-ipv6 a00:f000::/20/0" }, { "destination-ipv6": [ "2a02:b80:15:0:7aca:39ff:feae:a87a/128/0" ], "source-ipv6": [ "::1/128/120" ], "string": "flow destination-ipv6 2a02:b80:15:0:7aca:39ff:feae:a87a/128/0 source-ipv6 ::1/128/120" }, { "source-ipv6": [ "::1/128/127" ], "string": "flow source-ipv6 ::1/128/127" }, { "source-ipv6": [ "::/0/0" ], "string": "flow source-ipv6 ::/0/0" }, { "source-ipv6": [ "0:0:1122:3344::/64/32" ], "string": "flow source-ipv6 0:0:1122:3344::/64/32" }',
    ),
    (
        2,
        133,
        "2101200020010DB8028078010381110981120A92FFFF0B81FF0C81010DA1000FFFFF",
        '{ "destination-ipv6": [ "2001:db8::/32/0" ], "source-ipv6": [ "::1/128/120" ], "next-header": [ "=udp" ], "tcp-flags": [ "=syn+ack" ], "packet-length": [ ">65535" ], "traffic-class": [ "=255" ], "fragment": [ "=" ], "flow-label": [ "=1048575" ], "string": "flow destination-ipv6 2001:db8::/32/0 source-ipv6 ::1/128/120 next-header =udp tcp-flags =syn+ack packet-length >65535 traffic-class =255 fragment = flow-label =1048575" }',
    ),
    (2, 133, "060DA1FFFFFFFF", '{ "flow-label": [ "=4294967295" ], "string": "flow flow-label =4294967295" }'),
    (
        1,
        134,
        "1100010102030400050120C0A800010381060E0000FDE8000000010220C0A800000E000200010002ABCD0120C0A800010E000300010002ABCD0120C0A80001",
        '{ "destination-ipv4": [ "192.168.0.1/32" ], "protocol": [ "=tcp" ], "rd": "1.2.3.4:5", "string": "flow destination-ipv4 192.168.0.1/32 protocol =tcp rd 1.2.3.4:5" }, { "source-ipv4": [ "192.168.0.0/32" ], "rd": "65000:1", "string": "flow source-ipv4 192.168.0.0/32 rd 65000:1" }, { "destination-ipv4": [ "192.168.0.1/32" ], "rd": "65538:43981", "string": "flow destination-ipv4 192.168.0.1/32 rd 65538:43981" }, { "destination-ipv4": [ "192.168.0.1/32" ], "rd": "0x000300010002ABCD", "string": "flow destination-ipv4 192.168.0.1/32 rd 0x000300010002ABCD" }',
    ),
    (
        2,
        134,
        "2200010102030400050180002A020B80001500007ACA39FFFEAEA87A02200020010DB8",
        '{ "destination-ipv6": [ "2a02:b80:15:0:7aca:39ff:feae:a87a/128/0" ], "source-ipv6": [ "2001:db8::/32/0" ], "rd": "1.2.3.4:5", "string": "flow destination-ipv6 2a02:b80:15:0:7aca:39ff:feae:a87a/128/0 source-ipv6 2001:db8::/32/0 rd 1.2.3.4:5" }',
    ),
]

MESSAGES = [
    (
        "conf-flow.msg",
        1,
        134,
        "0E0000FFFF0001000002200A000001",
        "",
        '{ "source-ipv4": [ "10.0.0.1/32" ], "rd": "65535:65536", "string": "flow source-ipv4 10.0.0.1/32 rd 65535:65536" }',
    ),
    (
        "conf-flow.msg",
        1,
        133,
        "0602200A000002",
        "1.2.3.4",
        '{ "source-ipv4": [ "10.0.0.2/32" ], "next-hop": "1.2.3.4", "string": "flow source-ipv4 10.0.0.2/32 next-hop 1.2.3.4" }',
    ),
    (
        "conf-flow.msg",
        1,
        133,
        "1301200A00000202200A00000103810605910C38",
        "",
        '{ "destination-ipv4": [ "10.0.0.2/32" ], "source-ipv4": [ "10.0.0.1/32" ], "protocol": [ "=tcp" ], "destination-port": [ "=3128" ], "string": "flow destination-ipv4 10.0.0.2/32 source-ipv4 10.0.0.1/32 protocol =tcp destination-port =3128" }',
    ),
    (
        "conf-flow.msg",
        1,
        133,
        "030C8008",
        "",
        '{ "fragment": [ "last-fragment" ], "string": "flow fragment last-fragment" }',
    ),
    (
        "conf-flow.msg",
        1,
        133,
        "0C02180A000003810605910C38",
        "",
        '{ "source-ipv4": [ "10.0.0.0/24" ], "protocol": [ "=tcp" ], "destination-port": [ "=3128" ], "string": "flow source-ipv4 10.0.0.0/24 protocol =tcp destination-port =3128" }',
    ),
    (
        "conf-flow.msg",
        1,
        133,
        "0C0A02C854012C120190D401F4",
        "",
        '{ "packet-length": [ ">200&<300", ">400&<500" ], "string": "flow packet-length [ >200&<300 >400&<500 ]" }',
    ),
    (
        "conf-flow.msg",
        1,
        134,
        "0E0000FFFF0001000002200A000003",
        "5.6.7.8",
        '{ "source-ipv4": [ "10.0.0.3/32" ], "rd": "65535:65536", "next-hop": "5.6.7.8", "string": "flow source-ipv4 10.0.0.3/32 rd 65535:65536 next-hop 5.6.7.8" }',
    ),
    (
        "conf-flow.msg",
        1,
        133,
        "060120C0A80001",
        "1.2.3.4",
        '{ "destination-ipv4": [ "192.168.0.1/32" ], "next-hop": "1.2.3.4", "string": "flow destination-ipv4 192.168.0.1/32 next-hop 1.2.3.4" }',
    ),
    (
        "conf-flow.msg",
        1,
        133,
        "250120C0A8000102200A0000020301118106040150911F9005121F90541F98910C3806920400",
        "",
        '{ "destination-ipv4": [ "192.168.0.1/32" ], "source-ipv4": [ "10.0.0.2/32" ], "protocol": [ "=udp", "=tcp" ], "port": [ "=80", "=8080" ], "destination-port": [ ">8080&<8088", "=3128" ], "source-port": [ ">1024" ], "string": "flow destination-ipv4 192.168.0.1/32 source-ipv4 10.0.0.2/32 protocol [ =udp =tcp ] port [ =80 =8080 ] destination-port [ >8080&<8088 =3128 ] source-port >1024" }',
    ),
    (
        "conf-flow.msg",
        1,
        133,
        "250120C0A8000102200A0000090301118106040150911F9005121F90541F98910C3806920400",
        "",
        '{ "destination-ipv4": [ "192.168.0.1/32" ], "source-ipv4": [ "10.0.0.9/32" ], "protocol": [ "=udp", "=tcp" ], "port": [ "=80", "=8080" ], "destination-port": [ ">8080&<8088", "=3128" ], "source-port": [ ">1024" ], "string": "flow destination-ipv4 192.168.0.1/32 source-ipv4 10.0.0.9/32 protocol [ =udp =tcp ] port [ =80 =8080 ] destination-port [ >8080&<8088 =3128 ] source-port >1024" }',
    ),
    (
        "conf-flow.msg",
        1,
        133,
        "1C0120C0A8000102200A00000A038606048600059601BB060650961F90",
        "",
        '{ "destination-ipv4": [ "192.168.0.1/32" ], "source-ipv4": [ "10.0.0.10/32" ], "protocol": [ "!=tcp" ], "port": [ "!=0" ], "destination-port": [ "!=443" ], "source-port": [ "!=80", "!=8080" ], "string": "flow destination-ipv4 192.168.0.1/32 source-ipv4 10.0.0.10/32 protocol !=tcp port !=0 destination-port !=443 source-port [ !=80 !=8080 ]" }',
    ),
    (
        "conf-flow.msg",
        1,
        133,
        "1C01200A00000202200A00000103810605910C3809000200044001C308",
        "",
        '{ "destination-ipv4": [ "10.0.0.2/32" ], "source-ipv4": [ "10.0.0.1/32" ], "protocol": [ "=tcp" ], "destination-port": [ "=3128" ], "tcp-flags": [ "syn", "rst&fin&!=push" ], "string": "flow destination-ipv4 10.0.0.2/32 source-ipv4 10.0.0.1/32 protocol =tcp destination-port =3128 tcp-flags [ syn rst&fin&!=push ]" }',
    ),
    (
        "conf-flow-redirect.msg",
        1,
        133,
        "4C0120C0A8000102200A0000010301068111040150911F9005121F90541F98910C380692040007010301088100080101810009002080040A02C854012C120190D401F40B010A81140C00048008",
        "",
        '{ "destination-ipv4": [ "192.168.0.1/32" ], "source-ipv4": [ "10.0.0.1/32" ], "protocol": [ "=tcp", "=udp" ], "port": [ "=80", "=8080" ], "destination-port": [ ">8080&<8088", "=3128" ], "source-port": [ ">1024" ], "icmp-type": [ "=unreachable", "=echo-request", "=echo-reply" ], "icmp-code": [ "=1", "=0" ], "tcp-flags": [ "urg", "rst" ], "packet-length": [ ">200&<300", ">400&<500" ], "dscp": [ "=10", "=20" ], "fragment": [ "first-fragment", "last-fragment" ], "string": "flow destination-ipv4 192.168.0.1/32 source-ipv4 10.0.0.1/32 protocol [ =tcp =udp ] port [ =80 =8080 ] destination-port [ >8080&<8088 =3128 ] source-port >1024 icmp-type [ =unreachable =echo-request =echo-reply ] icmp-code [ =1 =0 ] tcp-flags [ urg rst ] packet-length [ >200&<300 >400&<500 ] dscp [ =10 =20 ] fragment [ first-fragment last-fragment ]" }',
    ),
    (
        "conf-flow-redirect.msg",
        1,
        133,
        "0C0120C0A8000102200A000001",
        "",
        '{ "destination-ipv4": [ "192.168.0.1/32" ], "source-ipv4": [ "10.0.0.1/32" ], "string": "flow destination-ipv4 192.168.0.1/32 source-ipv4 10.0.0.1/32" }',
    ),
    (
        "conf-flow-redirect.msg",
        1,
        133,
        "06012076B8B006",
        "",
        '{ "destination-ipv4": [ "118.184.176.6/32" ], "string": "flow destination-ipv4 118.184.176.6/32" }',
    ),
    (
        "conf-flow-redirect.msg",
        1,
        133,
        "0C0120C0A8000102200A000001",
        "",
        '{ "destination-ipv4": [ "192.168.0.1/32" ], "source-ipv4": [ "10.0.0.1/32" ], "string": "flow destination-ipv4 192.168.0.1/32 source-ipv4 10.0.0.1/32" }',
    ),
    (
        "conf-flow-redirect.msg",
        1,
        133,
        "0C0120C0A8000202200A000001",
        "",
        '{ "destination-ipv4": [ "192.168.0.2/32" ], "source-ipv4": [ "10.0.0.1/32" ], "string": "flow destination-ipv4 192.168.0.2/32 source-ipv4 10.0.0.1/32" }',
    ),
]

DECODING = [
    (
        "bgp-flow-1",
        2,
        133,
        "280180002A0229B8192500000000000000002E69024000BEEFF00E000000000381060C000400028008",
        '{ "destination-ipv6": [ "2a02:29b8:1925::2e69/128/0" ], "source-ipv6": [ "beef:f00e::/64/0" ], "next-header": [ "=tcp" ], "fragment": [ "first-fragment", "is-fragment", "last-fragment" ], "string": "flow destination-ipv6 2a02:29b8:1925::2e69/128/0 source-ipv6 beef:f00e::/64/0 next-header =tcp fragment [ first-fragment is-fragment last-fragment ]" }',
    ),
    (
        "bgp-flow-2",
        1,
        133,
        "050901048109",
        '{ "tcp-flags": [ "=rst", "=fin+push" ], "string": "flow tcp-flags [ =rst =fin+push ]" }',
    ),
    (
        "bgp-flow-3",
        1,
        133,
        "0909001000804201C240",
        '{ "tcp-flags": [ "ack", "cwr&!fin&!ece" ], "string": "flow tcp-flags [ ack cwr&!fin&!ece ]" }',
    ),
    (
        "bgp-flow-4",
        1,
        133,
        "05090090C241",
        '{ "tcp-flags": [ "ack+cwr&!fin+ece" ], "string": "flow tcp-flags [ ack+cwr&!fin+ece ]" }',
    ),
]

CONFIG = [
    (
        1,
        [
            ("source", ["10.0.0.1/24"]),
            ("destination-port", [">=80&<=90", "!=443"]),
            ("icmp-type", ["3", "echo-request"]),
            ("tcp-flags", ["!syn", "=ack+fin"]),
        ],
        "1702180A0000050350455A9601BB07010381080902028111",
    ),
    (1, [("protocol", ["TCP", "=udp", "6", ">=6"])], "09030106011101068306"),
    (1, [("packet-length", ["=255", "=256", "=65535"])], "090A01FF11010091FFFF"),
    (
        1,
        [("tcp-flags", ["urgent", "urg", "ns", "ece", "cwr", "push", "ack+fin"])],
        "1009002000201001000040008000088011",
    ),
    (1, [("tcp-flags", ["!=ns", "=SYN", "!rst&ack"])], "0A0913010001020204C010"),
    (1, [("fragment", ["!is-fragment", "=last-fragment", "dont-fragment"])], "070C020201088001"),
    (1, [("port", ["=80"]), ("port", ["=8080"])], "06040150911F90"),
    (1, [("port", ["=80"]), ("destination-port", ["5"]), ("port", ["8080"])], "09040150911F90058105"),
    (1, [("source", ["10.0.255.1/20"])], "0502140A00FF"),
    (1, [("source", ["0.0.0.0/0"])], "020200"),
    (1, [("destination-port", ["=0x50"]), ("tcp-flags", ["=0x12"]), ("fragment", ["0x100"])], "0A0581500981120C900100"),
    (
        1,
        [("protocol", ["=tcp&=udp"]), ("icmp-code", ["0", "host-unreachable", "redirect-for-tos-and-net"])],
        "0C030106C11108010001018102",
    ),
    (1, [("port", [">80&<90&!=85"])], "07040250445AC655"),
    (
        1,
        [
            (
                "icmp-type",
                [
                    "Echo-Reply",
                    "unreachable",
                    "redirect",
                    "router-advertisement",
                    "router-solicit",
                    "time-exceeded",
                    "parameter-problem",
                    "timestamp",
                    "timestamp-reply",
                    "photuris",
                    "experimental-mobility",
                    "extended-echo-request",
                    "extended-echo-reply",
                    "experimental-one",
                    "experimental-two",
                ],
            )
        ],
        "1F070100010301050109010A010B010C010D010E01280129012A012B01FD81FE",
    ),
    (
        1,
        [("protocol", ["icmp", "igmp", "egp", "rsvp", "gre", "esp", "ah", "ospf", "ipip", "pim", "sctp"])],
        "1703010101020108012E012F013201330159015E01678184",
    ),
    (2, [("source", ["::1/128/120"]), ("flow-label", ["1048575"])], "0A028078010DA1000FFFFF"),
    (2, [("source", ["2001:dfff::/20/4"])], "05021404001D"),
    (2, [("source", ["2001:dfff::/20/0"])], "060214002001D0"),
    (2, [("source", ["2001:db8:ffff::/48/16"]), ("destination", ["2001:db8::1/32"])], "0E01200020010DB80230100DB8FFFF"),
    (
        2,
        [("source-ipv6", ["2001:db8::1/32/0"]), ("next-header", ["tcp"]), ("traffic-class", ["255"]), ("dscp", ["5"])],
        "0F02200020010DB80381060B01FF8105",
    ),
    (2, [("destination-ipv6", ["::/0/0"]), ("fragment", ["dont-fragment", "is-fragment"])], "080100000C00018002"),
]

#: NLRI 5.0 decodes but does not send in this form (value lengths longer than needed) -> our canonical pack
NON_CANONICAL = {
    "070A110100910001": "060A1101008101",
    "0F0A210000FFFFB10000000000000005": "060A11FFFF8105",
}

#: conf-flow.msg's IPv6 route, as that file records it: the prefix ::1/128/120 is sent with 16
#: octets instead of the RFC 8956 pattern of 1 octet; 5.0.15 cannot decode it and no longer
#: sends it (it sends CONF_FLOW_IPV6 below, see the CONF_BLOCKS entry "ipv6").
STALE_IPV6 = "300180002A020B80001500007ACA39FFFEAEA87A028078000000000000000000000000000000010381110B81650D9107DD"
CONF_FLOW_IPV6 = "210180002A020B80001500007ACA39FFFEAEA87A028078010381110B81650D9107DD"

FIRST_REDIRECT = [
    ("source", ["10.0.0.9/32"]),
    ("destination", ["192.168.0.1/32"]),
    ("port", ["=80", "=8080"]),
    ("destination-port", [">8080&<8088", "=3128"]),
    ("source-port", [">1024"]),
    ("protocol", ["udp", "tcp"]),
]

#: (file, route name, afi, rd, [(keyword, words)], NLRI 5.0 sends)
CONF_BLOCKS = [
    (
        "conf-flow.conf",
        "first-vpn-route",
        1,
        RD_65535_65536,
        [("source", ["10.0.0.1/32"])],
        "0E0000FFFF0001000002200A000001",
    ),
    (
        "conf-flow.conf",
        "give-me-a-name",
        1,
        b"",
        [
            ("source", ["10.0.0.1/32"]),
            ("destination", ["10.0.0.2/32"]),
            ("destination-port", ["=3128"]),
            ("protocol", ["tcp"]),
        ],
        "1301200A00000202200A00000103810605910C38",
    ),
    (
        "conf-flow.conf",
        "another",
        1,
        b"",
        [("source", ["10.0.0.0/24"]), ("destination-port", ["=3128"]), ("protocol", ["tcp"])],
        "0C02180A000003810605910C38",
    ),
    (
        "conf-flow.conf",
        "first-redirect",
        1,
        b"",
        FIRST_REDIRECT,
        "250120C0A8000102200A0000090301118106040150911F9005121F90541F98910C3806920400",
    ),
    (
        "conf-flow.conf",
        "second-redirect",
        1,
        b"",
        [("source", ["10.0.0.2/32"])] + FIRST_REDIRECT[1:],
        "250120C0A8000102200A0000020301118106040150911F9005121F90541F98910C3806920400",
    ),
    ("conf-flow.conf", "third-redirect", 1, b"", [("destination", ["192.168.0.1/32"])], "060120C0A80001"),
    ("conf-flow.conf", "legal-intercept", 1, b"", [("source", ["10.0.0.2/32"])], "0602200A000002"),
    (
        "conf-flow.conf",
        "a-vpn-route",
        1,
        RD_65535_65536,
        [("source", ["10.0.0.3/32"])],
        "0E0000FFFF0001000002200A000003",
    ),
    (
        "conf-flow.conf",
        "set-dscp",
        1,
        b"",
        [("packet-length", [">200&<300", ">400&<500"])],
        "0C0A02C854012C120190D401F4",
    ),
    ("conf-flow.conf", "take-action", 1, b"", [("fragment", ["last-fragment"])], "030C8008"),
    (
        "conf-flow.conf",
        "ipv6",
        2,
        b"",
        [
            ("source", ["::1/128/120"]),
            ("destination", ["2a02:b80:15::7aca:39ff:feae:a87a/128/0"]),
            ("next-header", ["udp"]),
            ("traffic-class", ["101"]),
            ("flow-label", ["2013"]),
        ],
        CONF_FLOW_IPV6,
    ),
    (
        "conf-flow.conf",
        "neq-operator",
        1,
        b"",
        [
            ("source", ["10.0.0.10/32"]),
            ("destination", ["192.168.0.1/32"]),
            ("port", ["!=0"]),
            ("destination-port", ["!=443"]),
            ("source-port", ["!=80", "!=8080"]),
            ("protocol", ["!=tcp"]),
        ],
        "1C0120C0A8000102200A00000A038606048600059601BB060650961F90",
    ),
    (
        "conf-flow.conf",
        "check-tcp-flags",
        1,
        b"",
        [
            ("source", ["10.0.0.1/32"]),
            ("destination", ["10.0.0.2/32"]),
            ("destination-port", ["=3128"]),
            ("protocol", ["tcp"]),
            ("tcp-flags", ["SYN", "RST&FIN&!=push"]),
        ],
        "1C01200A00000202200A00000103810605910C3809000200044001C308",
    ),
    (
        "conf-flow-redirect.conf",
        "optional-name-of-the-route",
        1,
        b"",
        [
            ("source", ["10.0.0.1/32"]),
            ("destination", ["192.168.0.1/32"]),
            ("port", ["=80", "=8080"]),
            ("destination-port", [">8080&<8088", "=3128"]),
            ("source-port", [">1024"]),
            ("protocol", ["tcp", "udp"]),
            ("packet-length", [">200&<300", ">400&<500"]),
            ("fragment", ["first-fragment", "last-fragment"]),
            ("icmp-type", ["unreachable", "echo-request", "echo-reply"]),
            ("icmp-code", ["host-unreachable", "network-unreachable"]),
            ("tcp-flags", ["urgent", "rst"]),
            ("dscp", ["10", "20"]),
        ],
        "4C0120C0A8000102200A0000010301068111040150911F9005121F90541F98910C38069204000701030108810008010181"
        "0009002080040A02C854012C120190D401F40B010A81140C00048008",
    ),
    (
        "conf-flow-redirect.conf",
        "alternative-syntax",
        1,
        b"",
        [("source", ["10.0.0.1/32"]), ("destination", ["192.168.0.1/32"])],
        "0C0120C0A8000102200A000001",
    ),
    ("conf-flow-redirect.conf", "issue-542", 1, b"", [("destination", ["118.184.176.6/32"])], "06012076B8B006"),
    (
        "conf-flow-redirect.conf",
        "redirect-nexthop-ietf-ipv6",
        1,
        b"",
        [("source", ["10.0.0.1/32"]), ("destination", ["192.168.0.2/32"])],
        "0C0120C0A8000202200A000001",
    ),
]


def flows_json(flows, nexthop=""):
    return ", ".join(flow.json(nexthop) for flow in flows)


def reference_nlri(text):
    """(afi, safi, NLRI hex) of every MP_REACH_NLRI carrying NLRI in ``1:raw:<hex>`` lines."""
    found = []
    for line in text.splitlines():
        match = re.fullmatch(r"1:raw:([0-9A-F:]+)", line.strip())
        if not match:
            continue
        body = bytes.fromhex(match.group(1).replace(":", ""))[19:]
        withdrawn = int.from_bytes(body[0:2], "big")
        size = int.from_bytes(body[2 + withdrawn : 4 + withdrawn], "big")
        attributes = body[4 + withdrawn : 4 + withdrawn + size]
        position = 0
        while position < len(attributes):
            flags, code = attributes[position], attributes[position + 1]
            if flags & 0x10:
                length, header = int.from_bytes(attributes[position + 2 : position + 4], "big"), 4
            else:
                length, header = attributes[position + 2], 3
            value = attributes[position + header : position + header + length]
            position += header + length
            if code == 14:
                nexthop = value[3]
                nlri = value[5 + nexthop :]
                if nlri:
                    found.append((int.from_bytes(value[0:2], "big"), value[2], nlri.hex().upper()))
    return found


# ---- decoding and 5.0's JSON ------------------------------------------------------------------


@pytest.mark.parametrize("name,afi,safi,nlri,nexthop,expected", MESSAGES)
def test_reference_messages_decode_pack_and_print(name, afi, safi, nlri, nexthop, expected):
    flows = decode_flows(afi, safi, bytes.fromhex(nlri))
    assert b"".join(flow.pack() for flow in flows).hex().upper() == nlri
    assert flows_json(flows, nexthop) == expected
    assert all(f'"string": "{flow.text(nexthop)}"' in expected for flow in flows)


def test_stale_ipv6_form_is_malformed():
    with pytest.raises(CodecError) as info:
        decode_flows(2, 133, bytes.fromhex(STALE_IPV6))
    assert (info.value.code, info.value.subcode) == (3, 10)


@pytest.mark.parametrize("name", ["conf-flow.msg", "conf-flow-redirect.msg"])
def test_recorded_messages_are_the_reference_ones(reference, name):
    recorded = sorted((afi, safi, nlri) for file, afi, safi, nlri, _, _ in MESSAGES if file == name)
    stale = [(2, 133, STALE_IPV6)] if name == "conf-flow.msg" else []
    assert sorted(reference_nlri((reference / "encoding" / name).read_text())) == sorted(recorded + stale)


@pytest.mark.parametrize("name,afi,safi,nlri,expected", DECODING)
def test_decoding_vectors(name, afi, safi, nlri, expected):
    flows = decode_flows(afi, safi, bytes.fromhex(nlri))
    assert flows_json(flows) == expected
    assert b"".join(flow.pack() for flow in flows).hex().upper() == nlri


@pytest.mark.parametrize("name,afi,safi,nlri,expected", DECODING)
def test_decoding_vectors_match_the_reference_files(reference, name, afi, safi, nlri, expected):
    lines = (reference / "decoding" / name).read_text().splitlines()
    assert reference_nlri("1:raw:" + lines[1]) == [(afi, safi, nlri)]
    flows = decode_flows(afi, safi, bytes.fromhex(nlri))
    assert '"no-nexthop": [ ' + flows_json(flows) + " ]" in lines[2]


@pytest.mark.parametrize("afi,safi,nlri,expected", CRAFTED)
def test_crafted_nlri(afi, safi, nlri, expected):
    flows = decode_flows(afi, safi, bytes.fromhex(nlri))
    assert flows_json(flows) == expected
    packed = b"".join(flow.pack() for flow in flows).hex().upper()
    assert packed == NON_CANONICAL.get(nlri, nlri)


def test_two_octet_length_and_next_hop_keys():
    flow = decode_flows(1, 133, bytes.fromhex("F00C0120C0A8000102200A000001"))[0]
    assert flow.pack().hex().upper() == "0C0120C0A8000102200A000001"
    assert flow.text("1.2.3.4") == "flow destination-ipv4 192.168.0.1/32 source-ipv4 10.0.0.1/32 next-hop 1.2.3.4"
    assert flow.json("1.2.3.4").endswith(
        '"source-ipv4": [ "10.0.0.1/32" ], "next-hop": "1.2.3.4", '
        '"string": "flow destination-ipv4 192.168.0.1/32 source-ipv4 10.0.0.1/32 '
        'next-hop 1.2.3.4" }'
    )
    large = build(1, 133, b"", [(3, tuple((0x01, 6) for _ in range(150)))])
    packed = large.pack()
    assert len(packed) == 2 + 301 and packed[:2] == bytes.fromhex("F12D")
    assert decode_flows(1, 133, packed) == [large]


def test_decoded_components_are_normalised():
    flow = decode_flows(1, 133, bytes.fromhex("0F0A210000FFFFB10000000000000005"))[0]
    assert flow.components == ((10, ((0x01, 65535), (0x01, 5))),)
    flow = decode_flows(2, 133, bytes.fromhex("07024020AABBCCDD"))[0]
    assert flow.components == ((2, (bytes.fromhex("AABBCCDD"), 64, 32)),)
    assert flow.text() == "flow source-ipv6 0:0:aabb:ccdd::/64/32"


# ---- configuration syntax -> bytes 5.0 sends --------------------------------------------------


@pytest.mark.parametrize("file,route,afi,rd,match,expected", CONF_BLOCKS, ids=[c[1] for c in CONF_BLOCKS])
def test_configuration_blocks(file, route, afi, rd, match, expected):
    safi = 134 if rd else 133
    flow = build(afi, safi, rd, [parse_component(afi, keyword, words) for keyword, words in match])
    assert flow.pack().hex().upper() == expected
    assert decode_flows(afi, safi, flow.pack()) == [flow]


def test_configuration_blocks_are_the_reference_ones(reference):
    sent = {
        nlri
        for name in ("conf-flow.msg", "conf-flow-redirect.msg")
        for _, _, nlri in reference_nlri((reference / "encoding" / name).read_text())
    }
    for file, route, _, _, _, expected in CONF_BLOCKS:
        assert (reference / "conf" / file).read_text().count(f"route {route} ") == 1
        assert expected in sent or (expected, route) == (CONF_FLOW_IPV6, "ipv6")
    assert STALE_IPV6 in sent


@pytest.mark.parametrize("afi,match,expected", CONFIG)
def test_configuration_syntax(afi, match, expected):
    flow = build(afi, 133, b"", [parse_component(afi, keyword, words) for keyword, words in match])
    assert flow.pack().hex().upper() == expected


def test_parse_component_values():
    assert parse_component(1, "protocol", ["udp", "tcp"]) == (3, ((0x01, 17), (0x01, 6)))
    assert parse_component(1, "destination-port", [">8080&<8088", "=3128"]) == (
        5,
        ((0x02, 8080), (0x44, 8088), (0x01, 3128)),
    )
    assert parse_component(1, "tcp-flags", ["SYN", "RST&FIN&!=push"]) == (
        9,
        ((0x00, 2), (0x00, 4), (0x40, 1), (0x43, 8)),
    )
    assert parse_component(1, "source", ["10.0.255.1/20"]) == (2, (bytes.fromhex("0A00FF"), 20, 0))
    assert parse_component(2, "destination-ipv6", ["2001:dfff::/20/4"]) == (1, (bytes.fromhex("001D"), 20, 4))
    assert parse_component(2, "source-ipv4", ["2001:db8::/32"]) == (2, (bytes.fromhex("20010DB8"), 32, 0))
    assert parse_component(1, "icmp-code", ["host-unreachable"]) == (8, ((0x01, 1),))
    assert parse_component(2, "flow-label", ["1048575"]) == (13, ((0x01, 0xFFFFF),))


@pytest.mark.parametrize(
    "afi,keyword,words",
    [
        (1, "sauce", ["10.0.0.0/8"]),
        (1, "source", ["10.0.0.0"]),
        (1, "source", ["10.0.0.0/33"]),
        (1, "source", ["10.0.0.0/8/0"]),
        (1, "source", ["10.0.0.256/8"]),
        (1, "source", ["10.0.0.0/8", "10.1.0.0/16"]),
        (1, "source", ["2001:db8::/32"]),
        (2, "source", ["10.0.0.0/8"]),
        (2, "source", ["2001:db8::/32/32"]),
        (2, "source", ["2001:db8::/129"]),
        (1, "protocol", ["tcpp"]),
        (1, "protocol", ["256"]),
        (1, "protocol", ["true"]),
        (1, "port", ["65536"]),
        (1, "port", ["http"]),
        (1, "port", ["==80"]),
        (1, "port", ["=<80"]),
        (1, "port", ["!80"]),
        (1, "port", ["-1"]),
        (1, "port", ["&=80"]),
        (1, "port", []),
        (1, "dscp", ["64"]),
        (2, "traffic-class", ["256"]),
        (1, "icmp-type", ["host-unreachable"]),
        (1, "icmp-code", ["echo-request"]),
        (1, "tcp-flags", ["bogus"]),
        (1, "tcp-flags", ["0x10000"]),
        (1, "tcp-flags", ["&syn"]),
        (1, "fragment", ["not-a-fragment"]),
        (1, "flow-label", ["5"]),
        (2, "flow-label", ["1048576"]),
    ],
)
def test_parse_component_refuses(afi, keyword, words):
    with pytest.raises(ValueError) as info:
        parse_component(afi, keyword, words)
    assert str(info.value)


def test_build_rules():
    port80 = parse_component(1, "port", ["=80"])
    source = parse_component(1, "source", ["10.0.0.0/24"])
    with pytest.raises(ValueError, match="twice"):
        build(1, 133, b"", [source, source])
    with pytest.raises(ValueError, match="route distinguisher"):
        build(1, 134, b"", [port80])
    with pytest.raises(ValueError, match="route distinguisher"):
        build(1, 133, RD_65535_65536, [port80])
    with pytest.raises(ValueError, match="at least one"):
        build(1, 133, b"", [])
    with pytest.raises(ValueError, match="4095"):
        build(1, 133, b"", [(4, tuple((0x01, 8080) for _ in range(1400)))])
    with pytest.raises(ValueError, match="4095"):  # over 65535 octets: no OverflowError from the length field
        build(1, 133, b"", [(4, tuple((0x01, 8080) for _ in range(40000)))])
    flow = build(1, 133, b"", [port80, source, parse_component(1, "port", ["=8080"])])
    assert flow.components == ((2, source[1]), (4, ((0x01, 80), (0x01, 8080))))


# ---- malformed NLRI ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "afi,safi,nlri",
    [
        (1, 133, "00"),  # length zero
        (1, 133, "0501200A0000"),  # length beyond the section
        (1, 133, "F0"),  # two-octet length truncated
        (1, 133, "030E8105"),  # unknown component type 14
        (1, 133, "03008105"),  # type 0
        (1, 133, "0C02200A00000101200A000002"),  # types out of order
        (1, 133, "06038106038111"),  # same type twice
        (1, 133, "0602210A000001"),  # IPv4 prefix longer than 32
        (1, 133, "0402200A"),  # prefix truncated
        (1, 133, "0101"),  # prefix length missing
        (2, 133, "0302810000"),  # IPv6 prefix longer than 128
        (2, 133, "0402202000"),  # offset not below the length
        (2, 133, "0102"),  # IPv6 prefix header truncated
        (1, 133, "030A9100"),  # value truncated
        (1, 133, "030A0105"),  # no end-of-list bit
        (1, 133, "0403910100"),  # protocol above 255
        (1, 133, "050AA100010000"),  # packet-length above 65535
        (1, 133, "030D8105"),  # flow-label in an IPv4 flow
        (1, 134, "050000FFFF00"),  # shorter than the route distinguisher
        (1, 134, "080000FFFF00010000"),  # route distinguisher only
    ],
)
def test_malformed(afi, safi, nlri):
    with pytest.raises(CodecError) as info:
        decode_flows(afi, safi, bytes.fromhex(nlri))
    assert (info.value.code, info.value.subcode, info.value.data) == (3, 10, b"")
    assert info.value.reason


def test_empty_section_and_memoryview():
    assert decode_flows(1, 133, b"") == []
    assert decode_flows(1, 133, memoryview(bytes.fromhex("030C8008"))) == [Flow(1, 133, b"", ((12, ((0x00, 8),)),))]


# ---- round trip -------------------------------------------------------------------------------


@st.composite
def prefix_value(draw, afi):
    if afi == 1:
        length = draw(st.integers(0, 32))
        offset = 0
        size = (length + 7) // 8
    else:
        length = draw(st.integers(0, 128))
        offset = draw(st.integers(0, length - 1)) if length else 0
        size = (length - offset + 7) // 8
    return draw(st.binary(min_size=size, max_size=size)), length, offset


@st.composite
def terms(draw, code):
    maximum = WIRE_MAXIMUM[code] or (1 << 64) - 1
    count = draw(st.integers(1, 4))
    operator = st.integers(0, 0xFF).map(lambda byte: byte & 0x4F)  # stored without length and end bits
    return tuple((draw(operator), draw(st.integers(0, maximum))) for _ in range(count))


@st.composite
def flow(draw, afi, safi):
    rd = draw(st.binary(min_size=8, max_size=8)) if safi == 134 else b""
    allowed = [code for code in COMPONENTS if not (afi == 1 and code == 13)]
    codes = sorted(draw(st.sets(st.sampled_from(allowed), min_size=1, max_size=6)))
    components = []
    for code in codes:
        if COMPONENTS[code][2] == PREFIX:
            components.append((code, draw(prefix_value(afi))))
        else:
            components.append((code, draw(terms(code))))
    return Flow(afi, safi, rd, tuple(components))


@st.composite
def section(draw):
    afi = draw(st.sampled_from((1, 2)))
    safi = draw(st.sampled_from((133, 134)))
    return afi, safi, draw(st.lists(flow(afi, safi), min_size=1, max_size=3))


@settings(max_examples=examples(300), deadline=None)
@given(section())
def test_round_trip(generated):
    afi, safi, originals = generated
    decoded = decode_flows(afi, safi, b"".join(original.pack() for original in originals))
    assert decoded == originals
    for result in decoded:
        assert result.json().startswith("{ ") and result.text().startswith("flow ")


def test_components_table():
    assert [COMPONENTS[code][2] for code in range(1, 14)].count(NUMERIC) == 9
    assert COMPONENTS[3][:2] == ("protocol", "next-header") and COMPONENTS[11][:2] == ("dscp", "traffic-class")


def test_keywords_without_maximum_are_the_prefix_components():
    """`parse_component` reads a prefix for a keyword without a maximum value, terms for the others."""
    assert (
        {keyword for keyword, (code, maximum) in KEYWORDS.items() if maximum is None}
        == {keyword for keyword, (code, _maximum) in KEYWORDS.items() if COMPONENTS[code][2] == PREFIX}
        == {"destination", "destination-ipv4", "destination-ipv6", "source", "source-ipv4", "source-ipv6"}
    )
