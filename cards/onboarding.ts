import { card, divider, markdown, t } from './kit.js';

interface OnboardingCardInput {
  /** An admin also gets a line about the admin commands they can use. */
  isAdmin: boolean;
}

/** Sent once to each user on their first chat with the bot. */
export function onboardingCard({ isAdmin }: OnboardingCardInput): Record<string, unknown> {
  const elements: Record<string, unknown>[] = [
    markdown(
      t(
        '你好！我是**学习与服务台助手**，会把学习平台和服务台的动态以卡片的形式发给你。',
        "Hi! I'm the **learning and helpdesk assistant**. " +
          'I bring news from your learning platforms and the helpdesk to you as cards.',
      ),
      'intro',
    ),
    divider(),
    markdown(
      t(
        '**学员**\n- 课程通过、考试成绩、打卡等结果会第一时间发给你\n- 发送「进度」查看你在各平台的课程和考试',
        '**Learners**\n- Course results, exam scores and check-ins reach you as soon as they happen\n' +
          '- Send `progress` to see your courses and exams across platforms',
      ),
      'learners',
    ),
    markdown(
      t(
        '**经理**\n- 你的下属完成课程或考试时，你会收到通知，并可一键发送祝贺\n- 服务台的新工单也会提醒到你',
        '**Managers**\n' +
          '- When someone who reports to you completes a course or an exam, ' +
          'you are told and can send congratulations in one click\n' +
          '- New helpdesk tickets are announced too',
      ),
      'managers',
    ),
    markdown(
      t(
        '**管理员**\n- 直接在聊天里配置：绑定账号、把通知路由到群、查看运行状态',
        '**Admins**\n' +
          '- Configure everything right here in chat: bind accounts, route notifications to groups, check the status',
      ),
      'admins',
    ),
  ];
  if (isAdmin) {
    elements.push(
      markdown(
        t(
          '你是本机器人的管理员，发送「状态」可查看运行情况。',
          'You are an admin of this bot: send `status` to see how it is doing.',
        ),
        'you_admin',
      ),
    );
  }
  elements.push(
    divider(),
    markdown(
      t(
        '发送「帮助」（或 `help`）查看你可以使用的全部命令。',
        'Send `help` (or 「帮助」) to see every command you can use.',
      ),
      'help',
    ),
  );
  return card({
    title: t('欢迎使用学习助手', 'Welcome to the learning assistant'),
    template: 'blue',
    summary: t('欢迎使用学习助手', 'Welcome to the learning assistant'),
    elements,
  });
}
