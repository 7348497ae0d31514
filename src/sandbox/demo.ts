/**
 * The sandbox's demo organisation: learners with managers and emails, an admin, and two group chats that receive
 * helpdesk tickets. The same people exist in the Feishu directory, in the ALM account and (by their Feishu
 * user_id, which Qingsuyun uses as the account code) in Qingsuyun.
 */
import type { EmulatedUser } from '../emulator/feishu/index.js';

export interface DemoUser {
  open_id: string;
  user_id: string;
  name: string;
  en_name: string;
  email: string;
  /** The direct manager's open_id. */
  manager?: string;
  /** Their own time zone in the Feishu directory, when not the tenant's. */
  time_zone?: string;
  /** The user's id in Adobe Learning Manager, when they learn there. */
  alm_user_id?: number;
  admin?: boolean;
}

interface DemoGroup {
  chat_id: string;
  name: string;
  members: string[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    open_id: 'ou_demo_wangfang',
    user_id: 'wangfang',
    name: '王芳',
    en_name: 'Wang Fang',
    email: 'wang.fang@demo.example',
  },
  {
    open_id: 'ou_demo_lilei',
    user_id: 'lilei',
    name: '李雷',
    en_name: 'Li Lei',
    email: 'li.lei@demo.example',
    manager: 'ou_demo_wangfang',
    alm_user_id: 12345678,
  },
  {
    open_id: 'ou_demo_hanmeimei',
    user_id: 'hanmeimei',
    name: '韩梅梅',
    en_name: 'Han Meimei',
    email: 'han.meimei@demo.example',
    manager: 'ou_demo_wangfang',
    alm_user_id: 12311591,
  },
  {
    open_id: 'ou_demo_zhangwei',
    user_id: 'zhangwei',
    name: '张伟',
    en_name: 'Zhang Wei',
    email: 'zhang.wei@demo.example',
    manager: 'ou_demo_zhaomin',
    // Works from Berlin (the directory says so): his reminders come in Berlin's working hours, not Shanghai's.
    time_zone: 'Europe/Berlin',
    alm_user_id: 11080928,
  },
  {
    open_id: 'ou_demo_zhaomin',
    user_id: 'zhaomin',
    name: '赵敏',
    en_name: 'Zhao Min',
    email: 'zhao.min@demo.example',
    admin: true,
  },
];

export const DEMO_ADMIN = DEMO_USERS.find((u) => u.admin)!;

export const HELPDESK_GROUP: DemoGroup = {
  chat_id: 'oc_demo_helpdesk',
  name: '服务台 Helpdesk',
  members: ['ou_demo_zhaomin', 'ou_demo_wangfang', 'ou_demo_zhangwei'],
};
export const DUTY_GROUP: DemoGroup = {
  chat_id: 'oc_demo_itduty',
  name: 'IT 值班 IT on duty',
  members: ['ou_demo_zhaomin', 'ou_demo_zhangwei'],
};
export const DEMO_GROUPS: readonly DemoGroup[] = [HELPDESK_GROUP, DUTY_GROUP];

/**
 * The helpdesk group's desk: 张伟 on duty, 赵敏 leading, so moving the clock on shows an unclaimed ticket's
 * escalation (the ping in the group, then the lead's card).
 */
export const DEMO_DESK = {
  chatId: HELPDESK_GROUP.chat_id,
  duty: ['ou_demo_zhangwei'],
  leads: ['ou_demo_zhaomin'],
} as const;

/** The helpdesk whose tickets the demo receives. */
export const DEMO_HELPDESK_ID = '6626871355780366330';

/** Learning objects the ALM stand-in knows, so cards show names instead of ids. */
export const DEMO_LEARNING_OBJECTS = [
  { id: 'course:12345678', name: '信息安全基础 Security basics', loType: 'course' },
  { id: 'course:12324298', name: '高效会议 Effective meetings', loType: 'course' },
  { id: 'learningProgram:92348', name: '新经理之路 New manager path', loType: 'learningProgram' },
  { id: 'certification:123418', name: '数据合规认证 Data compliance', loType: 'certification' },
];

/** The directory as the Feishu emulator holds it. */
export function emulatedUsers(): EmulatedUser[] {
  return DEMO_USERS.map((u) => ({
    open_id: u.open_id,
    user_id: u.user_id,
    union_id: `on_${u.user_id}`,
    name: u.name,
    en_name: u.en_name,
    email: u.email,
    ...(u.manager && { leader_user_id: u.manager }),
    ...(u.time_zone && { time_zone: u.time_zone }),
  }));
}
