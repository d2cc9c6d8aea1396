/**
 * When the Settings forms check their fields: errors stay until their field is
 * edited, so that a blur elsewhere (a click on another button) does not take
 * them away and move what is under the pointer.
 */
export const SETTINGS_FORM_CHECKS = {
  shouldValidate: "onBlur",
  shouldRevalidate: "onInput",
} as const;
