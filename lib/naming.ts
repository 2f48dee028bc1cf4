/** Google Cloud naming rules shared by config validation and constructs. */

/** Project ids and service account ids: 6-30 lowercase letters, digits or hyphens, starting with a letter. */
export const PROJECT_OR_ACCOUNT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
