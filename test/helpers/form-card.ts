/**
 * A card JSON 2.0 form with every component a form takes, laid out as Feishu's form docs show it (labels in columns,
 * the buttons in a column set), with initial values on most and required ones empty. Used by the emulator's checks,
 * the sandbox's submit path and the console in a browser.
 */
export const FORM_BUTTON = 'save';
export const FORM_VALUE = { action: 'form_demo', form: 'every_component' };

const plain = (content: string) => ({ tag: 'plain_text', content });

/** `people`: the open_ids the person pickers offer. */
export function everyComponentForm(people: readonly string[], submitValue: unknown = FORM_VALUE) {
  const persons = people.map((value) => ({ value }));
  const labelled = (label: string, component: Record<string, unknown>) => ({
    tag: 'column_set',
    columns: [
      { tag: 'column', width: 'weighted', weight: 1, elements: [{ tag: 'markdown', content: `**${label}**` }] },
      { tag: 'column', width: 'weighted', weight: 3, elements: [component] },
    ],
  });
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: plain('表单演示'), template: 'blue' },
    body: {
      elements: [
        { tag: 'markdown', content: 'Every form component' },
        {
          tag: 'form',
          name: 'demo_form',
          elements: [
            labelled('Title', {
              tag: 'input',
              name: 'title',
              label: plain('Title'),
              placeholder: plain('Course title'),
              default_value: 'Security basics',
              max_length: 40,
              required: true,
            }),
            {
              tag: 'input',
              name: 'notes',
              input_type: 'multiline_text',
              rows: 2,
              label: plain('Notes'),
              placeholder: plain('Anything else'),
            },
            labelled('Level', {
              tag: 'select_static',
              name: 'level',
              placeholder: plain('Level'),
              initial_option: 'basic',
              options: [
                { text: plain('Basic'), value: 'basic' },
                { text: plain('Advanced'), value: 'advanced' },
              ],
            }),
            {
              tag: 'multi_select_static',
              name: 'days',
              placeholder: plain('Days'),
              selected_values: ['mon'],
              options: [
                { text: plain('Monday'), value: 'mon' },
                { text: plain('Wednesday'), value: 'wed' },
                { text: plain('Friday'), value: 'fri' },
              ],
            },
            { tag: 'select_person', name: 'owner', placeholder: plain('Owner'), required: true, options: persons },
            {
              tag: 'multi_select_person',
              name: 'reviewers',
              placeholder: plain('Reviewers'),
              selected_values: [people[0]],
              options: persons,
            },
            { tag: 'date_picker', name: 'due', placeholder: plain('Due date'), initial_date: '2026-12-24' },
            { tag: 'picker_time', name: 'at', placeholder: plain('Reminder time'), required: true },
            {
              tag: 'picker_datetime',
              name: 'starts',
              placeholder: plain('Starts'),
              initial_datetime: '2026-12-28 09:30',
            },
            { tag: 'checker', name: 'notify', text: plain('Notify managers'), checked: true },
            {
              tag: 'column_set',
              columns: [
                {
                  tag: 'column',
                  width: 'auto',
                  elements: [
                    {
                      tag: 'button',
                      name: FORM_BUTTON,
                      type: 'primary',
                      text: plain('Save'),
                      form_action_type: 'submit',
                      behaviors: [{ type: 'callback', value: submitValue }],
                    },
                  ],
                },
                {
                  tag: 'column',
                  width: 'auto',
                  elements: [{ tag: 'button', name: 'undo', text: plain('Reset'), form_action_type: 'reset' }],
                },
              ],
            },
          ],
        },
      ],
    },
  };
}
