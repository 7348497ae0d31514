/** A text in both languages the bot speaks (the same shape as the cards' `I18nText`). */
export interface Text {
  zh: string;
  en: string;
}
