/**
 * What candidates say when the request gives no `reference_text`: one short line per language,
 * long enough (about 4 s) for a pitch and pace to be heard and measured.
 */
const PREVIEWS: Record<string, string> = {
  en: "Hello! This is how I sound. I can read your stories, news and messages aloud.",
  de: "Hallo! So klingt meine Stimme. Ich lese dir Geschichten, Nachrichten und Briefe vor.",
  fr: "Bonjour ! Voici ma voix. Je peux lire vos histoires, vos nouvelles et vos messages.",
  es: "¡Hola! Así suena mi voz. Puedo leer tus historias, noticias y mensajes.",
  it: "Ciao! Questa è la mia voce. Posso leggere le tue storie, notizie e messaggi.",
  pt: "Olá! Esta é a minha voz. Posso ler as suas histórias, notícias e mensagens.",
  nl: "Hallo! Zo klinkt mijn stem. Ik kan je verhalen, nieuws en berichten voorlezen.",
  ru: "Привет! Так звучит мой голос. Я могу читать вслух истории, новости и сообщения.",
  zh: "你好！这是我的声音。我可以为你朗读故事、新闻和消息。",
  ja: "こんにちは。これが私の声です。物語やニュースを読み上げます。",
};

/**
 * The preview line for a language code, or undefined when there is none for it.
 * @example previewText("de") // "Hallo! So klingt meine Stimme. …"
 */
export function previewText(language: string): string | undefined {
  return PREVIEWS[language];
}

/** Languages with a preview line, for error messages. */
export const PREVIEW_LANGUAGES = Object.keys(PREVIEWS);
