package kg;
class Placeholder {}
